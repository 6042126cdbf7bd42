from django.urls import path

from applications.views import candidate

app_name = "applications"
urlpatterns = [
    path("", candidate.my_applications, name="my_applications"),
]

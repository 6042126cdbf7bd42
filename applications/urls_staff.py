from django.urls import path

from applications.views import staff

app_name = "staff"
urlpatterns = [
    path("", staff.home, name="home"),
]

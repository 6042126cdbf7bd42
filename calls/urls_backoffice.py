from django.urls import path

from calls.views import backoffice

app_name = "backoffice"
urlpatterns = [
    path("", backoffice.home, name="home"),
]

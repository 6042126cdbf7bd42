from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.export, name="export"),
    path("<str:token>/telecharger/", views.export_download, name="export_download"),
]

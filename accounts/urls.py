from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("supprimer/", views.delete_account, name="delete_account"),
    path("langue/", views.set_language, name="set_language"),
]

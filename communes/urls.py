"""Commune teams: the back-office team page (metropolis admins) and the invitation link."""

from django.urls import path

from communes import views

app_name = "communes"
urlpatterns = [
    path("gestion/communes/<int:pk>/equipe/", views.team, name="team"),
    path(
        "gestion/communes/<int:pk>/equipe/<int:membership_pk>/retirer/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "gestion/communes/<int:pk>/invitations/<int:invitation_pk>/annuler/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    # The path of links already sent by e-mail: keep it.
    path("equipes/invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]

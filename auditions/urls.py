from django.urls import path

from auditions import views

app_name = "auditions"
urlpatterns = [
    # Commune teams.
    path("equipe/auditions/<int:participation_id>/", views.schedule, name="schedule"),
    path("equipe/auditions/<int:participation_id>/creneaux/", views.add_slot, name="add_slot"),
    path(
        "equipe/auditions/creneau/<int:slot_id>/supprimer/",
        views.delete_slot,
        name="delete_slot",
    ),
    path("equipe/auditions/<int:participation_id>/inviter/", views.invite, name="invite"),
    path(
        "equipe/auditions/candidature/<int:target_id>/preselection/",
        views.toggle_shortlist,
        name="toggle_shortlist",
    ),
    path("equipe/auditions/<int:participation_id>/jury/", views.jury, name="jury"),
    # Candidates.
    path("candidatures/auditions/<int:entry_id>/", views.respond, name="respond"),
    path("candidatures/auditions/<int:entry_id>/reserver/", views.book, name="book"),
    path("candidatures/auditions/<int:entry_id>/decliner/", views.decline, name="decline"),
    path(
        "candidatures/auditions/<int:entry_id>/audition.ics",
        views.calendar_file,
        name="calendar_file",
    ),
]

from django.urls import path

from questions import views

app_name = "questions"
urlpatterns = [
    path("equipe/<int:target_id>/", views.team_list, name="team_list"),
    path("equipe/<int:target_id>/poser/", views.ask, name="ask"),
    path("candidature/<int:application_id>/", views.application_list, name="application_list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/repondre/", views.answer, name="answer"),
    path(
        "pieces-jointes/<int:pk>/telecharger/",
        views.attachment_download,
        name="attachment_download",
    ),
]

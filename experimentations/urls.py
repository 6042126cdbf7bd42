from django.urls import path

from experimentations.views import pilots, surveys

app_name = "experimentations"
urlpatterns = [
    path("", pilots.my_pilots, name="my_pilots"),
    path("suivi/", pilots.board, name="board"),
    path("<int:pk>/", pilots.pilot_detail, name="pilot"),
    path("<int:pk>/modifier/", pilots.pilot_edit, name="pilot_edit"),
    path("<int:pk>/charge-de-mission/", pilots.officer_assign, name="officer_assign"),
    path("<int:pk>/jalons/nouveau/", pilots.milestone_edit, name="milestone_add"),
    path("<int:pk>/jalons/<int:milestone_pk>/", pilots.milestone_edit, name="milestone_edit"),
    path("<int:pk>/suite/", pilots.outcome_edit, name="outcome"),
    path("<int:pk>/rapports/<int:report_pk>/", pilots.report, name="report"),
    path(
        "rapports/pieces-jointes/<int:pk>/",
        pilots.report_attachment_download,
        name="report_attachment",
    ),
    path("enquetes/", surveys.survey_list, name="survey_list"),
    path("enquetes/nouvelle/", surveys.survey_create, name="survey_create"),
    path("enquetes/<int:pk>/", surveys.survey_results, name="survey_results"),
    path("enquetes/<int:pk>/envoyer/", surveys.survey_send, name="survey_send"),
    path("enquetes/<int:pk>/reponses.<str:fmt>", surveys.survey_export, name="survey_export"),
    path("enquete/<str:token>/", surveys.survey_answer, name="survey_answer"),
]

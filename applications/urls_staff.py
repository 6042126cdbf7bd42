from django.urls import path, re_path

from applications.views import reading, results, staff

app_name = "staff"
urlpatterns = [
    path("", staff.home, name="home"),
    path("tableau/<int:participation_id>/", staff.dashboard, name="dashboard"),
    re_path(
        r"^tableau/(?P<participation_id>[0-9]+)/export\.(?P<file_format>csv|xlsx)$",
        staff.dashboard_export,
        name="dashboard_export",
    ),
    path("tableau/<int:participation_id>/finaliser/", staff.finalise, name="finalise_selection"),
    path("tableau/<int:participation_id>/rouvrir/", results.reopen, name="reopen_selection"),
    path("candidature/<int:target_id>/", staff.application, name="application"),
    path("candidature/<int:target_id>/affecter/", staff.assign, name="assign"),
    path("candidature/<int:target_id>/desaffecter/", staff.unassign, name="unassign"),
    path("tableau/<int:participation_id>/affecter/", staff.bulk_assign, name="bulk_assign"),
    path(
        "tableau/<int:participation_id>/repartir/",
        staff.spread_assignments,
        name="spread_assignments",
    ),
    path(
        "tableau/<int:participation_id>/date-limite-evaluations/",
        staff.review_deadline,
        name="review_deadline",
    ),
    path(
        "candidature/<int:target_id>/pieces-jointes/<int:attachment_id>/",
        reading.attachment_view,
        name="attachment_view",
    ),
    path("tableau/<int:participation_id>/eligibilite/", reading.bulk_screen, name="bulk_screen"),
    path("candidature/<int:target_id>/evaluation/", staff.save_review, name="save_review"),
    path("candidature/<int:target_id>/conflit/", staff.declare_conflict, name="declare_conflict"),
    path("candidature/<int:target_id>/eligibilite/", staff.screen, name="screen"),
    path("candidature/<int:target_id>/decision/", staff.decide, name="decide"),
    path("candidature/<int:target_id>/note/", staff.add_note, name="add_note"),
    path("appel/<int:call_id>/resultats/", results.call_results, name="call_results"),
    path("appel/<int:call_id>/publier/", results.publish, name="publish_results"),
    re_path(
        r"^appel/(?P<call_id>[0-9]+)/export\.(?P<file_format>csv|xlsx)$",
        results.call_export,
        name="call_export",
    ),
    path("appel/<int:call_id>/journal/", results.audit_log, name="audit_log"),
    path("tache/<int:job_id>/", staff.job, name="job"),
    path("tache/<int:job_id>/fichier/", staff.job_download, name="job_download"),
]

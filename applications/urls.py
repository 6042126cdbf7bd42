from django.urls import path

from applications.views import candidate

app_name = "applications"
urlpatterns = [
    path("", candidate.my_applications, name="my_applications"),
    path("organisations/nouvelle/", candidate.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", candidate.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/modifier/", candidate.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/membres/retirer/", candidate.member_remove, name="member_remove"),
    path(
        "organisations/<int:pk>/membres/proprietaire/",
        candidate.ownership_transfer,
        name="ownership_transfer",
    ),
    path(
        "organisations/<int:pk>/quitter/", candidate.organisation_leave, name="organisation_leave"
    ),
    path("invitations/<str:token>/", candidate.invitation_accept, name="invitation_accept"),
    path("appels/<slug:call_slug>/candidater/", candidate.start, name="start"),
    path("<int:pk>/", candidate.detail, name="detail"),
    path("<int:pk>/etapes/<slug:step>/", candidate.step, name="step"),
    path("<int:pk>/pieces-jointes/", candidate.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/pieces-jointes/<int:attachment_pk>/supprimer/",
        candidate.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "pieces-jointes/<int:pk>/telecharger/",
        candidate.attachment_download,
        name="attachment_download",
    ),
    path("<int:pk>/recepisse/", candidate.receipt, name="receipt"),
    path("<int:pk>/recepisse.pdf", candidate.receipt_pdf, name="receipt_pdf"),
    path("<int:pk>/retrait/", candidate.withdraw, name="withdraw"),
]

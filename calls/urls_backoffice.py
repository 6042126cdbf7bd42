from django.urls import path

from calls.views import backoffice, documents

app_name = "backoffice"
urlpatterns = [
    path("", backoffice.home, name="home"),
    path("editions/", backoffice.edition_list, name="edition_list"),
    path("editions/nouvelle/", backoffice.edition_form, name="edition_create"),
    path("editions/<int:pk>/", backoffice.edition_form, name="edition_edit"),
    path("communes/", backoffice.commune_list, name="commune_list"),
    path("communes/nouvelle/", backoffice.commune_form, name="commune_create"),
    path("communes/<int:pk>/", backoffice.commune_form, name="commune_edit"),
    path("participations/", backoffice.participation_list, name="participation_list"),
    path("participations/nouvelle/", backoffice.participation_form, name="participation_create"),
    path("participations/<int:pk>/", backoffice.participation_form, name="participation_edit"),
    path("appels/", backoffice.call_list, name="call_list"),
    path("appels/nouveau/", backoffice.call_form, name="call_create"),
    path("appels/<int:pk>/", backoffice.call_detail, name="call_detail"),
    path("appels/<int:pk>/modifier/", backoffice.call_form, name="call_edit"),
    path("appels/<int:pk>/pieces/", documents.call_documents, name="call_documents"),
    path("appels/<int:pk>/publier/", backoffice.call_publish, name="call_publish"),
    path("appels/<int:pk>/depublier/", backoffice.call_unpublish, name="call_unpublish"),
]

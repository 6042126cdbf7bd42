from django.urls import path

from calls.views import public

app_name = "calls"
urlpatterns = [
    path("appels/", public.call_list, name="call_list"),
    path("appels/<slug:slug>/", public.call_detail, name="call_detail"),
    path("appels/<slug:slug>/reglement/", public.call_rules, name="call_rules"),
    path("editions/", public.edition_list, name="edition_list"),
    path("editions/<slug:slug>/", public.edition_detail, name="edition_detail"),
    path("communes/", public.commune_list, name="commune_list"),
    path("communes/<slug:slug>/", public.commune_detail, name="commune_detail"),
    path("aide/", public.help_page, name="help"),
]

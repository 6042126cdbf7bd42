from django.urls import path

from stats import views

app_name = "stats"
urlpatterns = [
    path("statistiques/", views.statistics_index, name="index"),
    path("statistiques/<slug:slug>/", views.edition_statistics, name="edition"),
    path("donnees-ouvertes/", views.open_data, name="open_data"),
    path("donnees-ouvertes/laureats.csv", views.open_data_csv, name="open_data_csv"),
    path("donnees-ouvertes/laureats.json", views.open_data_json, name="open_data_json"),
    path("tableau-de-bord/", views.dashboard_home, name="dashboard"),
    path(
        "tableau-de-bord/communes/<slug:slug>/",
        views.commune_dashboard,
        name="commune_dashboard",
    ),
]

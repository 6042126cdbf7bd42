from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_detail, name="detail"),
    path("lues/", views.notification_mark_read, name="mark_read"),
    path("boite-d-envoi/", views.outbox, name="outbox"),
    path("boite-d-envoi/<int:pk>/", views.outbox_message, name="outbox_message"),
    path("boite-d-envoi/renvoyer/", views.outbox_retry, name="outbox_retry"),
    path("alertes/", views.alerts, name="alerts"),
    path("alertes/confirmer/<str:token>/", views.alert_confirm, name="alert_confirm"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

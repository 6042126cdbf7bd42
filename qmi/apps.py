from django.apps import AppConfig


class QmiConfig(AppConfig):
    name = "qmi"
    verbose_name = "QMI"

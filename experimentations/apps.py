from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperimentationsConfig(AppConfig):
    name = "experimentations"
    verbose_name = _("Expérimentations")

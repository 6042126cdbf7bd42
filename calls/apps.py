from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Éditions et appels")

    def ready(self):
        # Public pages' cache: a change anywhere (web or worker) invalidates it.
        from calls import page_cache  # noqa: F401

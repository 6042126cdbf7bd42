from django.conf import settings
from django.views.generic import TemplateView


class LegalPage(TemplateView):
    """Mentions légales, données personnelles, accessibilité, contact."""


legal_notice = LegalPage.as_view(template_name="pages/legal_notice.html")


class PrivacyPage(LegalPage):
    """The retention periods shown are the ones the retention task applies."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "retention": settings.QMI_RETENTION}


privacy = PrivacyPage.as_view(template_name="pages/privacy.html")
accessibility = LegalPage.as_view(template_name="pages/accessibility.html")
contact = LegalPage.as_view(template_name="pages/contact.html")

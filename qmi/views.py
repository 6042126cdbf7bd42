from django.views.generic import TemplateView


class LegalPage(TemplateView):
    """Mentions légales, données personnelles, accessibilité, contact."""


legal_notice = LegalPage.as_view(template_name="pages/legal_notice.html")
privacy = LegalPage.as_view(template_name="pages/privacy.html")
accessibility = LegalPage.as_view(template_name="pages/accessibility.html")
contact = LegalPage.as_view(template_name="pages/contact.html")

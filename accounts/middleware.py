from django.utils import translation


class UserLanguageMiddleware:
    """Logged-in people see the site in the language of their profile.

    Runs after LocaleMiddleware and AuthenticationMiddleware; the FR/EN switch
    updates the profile, so the choice follows the person across devices.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)

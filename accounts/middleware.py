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


class SecondFactorRequiredMiddleware:
    """Staff who must use two-factor authentication set it up before any staff page.

    Metropolis admins, commune managers and Django admin users (see
    ``accounts.security.requires_second_factor``) who have no authenticator yet
    are sent to the authenticator-app set-up page from every staff page
    (back-office, team pages, outbox, Django admin). Their log-in itself
    already asks for the second factor once it exists (allauth.mfa).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from accounts.security import is_staff_path, must_set_up_second_factor

        user = getattr(request, "user", None)
        if is_staff_path(request.path_info) and must_set_up_second_factor(user):
            from django.contrib import messages
            from django.shortcuts import redirect
            from django.utils.translation import gettext as _

            messages.warning(
                request,
                _(
                    "Votre rôle donne accès à des données sensibles : configurez la "
                    "double authentification avant d’accéder aux pages de gestion."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

from django.conf import settings


def platform(request):
    """Values every page needs: publisher details and the user's roles."""
    from accounts.roles import roles_of

    return {
        "QMI_PUBLISHER": settings.QMI_PUBLISHER,
        "SITE_URL": settings.SITE_URL,
        "user_roles": roles_of(request.user) if hasattr(request, "user") else None,
    }

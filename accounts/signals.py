"""A change of second factor ends the person's other sessions."""

from allauth.usersessions.models import UserSession


def end_other_sessions(sender, request=None, user=None, **kwargs):
    """Removing an authenticator or regenerating recovery codes logs out other devices."""
    if user is None:
        return
    current = getattr(getattr(request, "session", None), "session_key", None)
    for user_session in UserSession.objects.filter(user=user).exclude(session_key=current):
        user_session.end()

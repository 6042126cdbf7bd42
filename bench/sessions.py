"""Sessions made before a load run, for clients that start logged in (bench/run.py and
bench/rush.py --logged-in): the run then measures pages, not password hashing.
Imported by their `manage.py shell` scripts, once Django is set up."""

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore


def logged_in_session(user):
    """The key of a new session in which ``user`` is logged in, as a log-in leaves it."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key

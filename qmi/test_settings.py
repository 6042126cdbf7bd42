"""Settings for the test suite: the production settings with what makes tests
fast and hermetic (a cheap password hasher, a local cache, eager tasks).

The smoke tests start real processes with `qmi.settings`, not these.
"""

import os

# The suite runs with DEBUG off, like production, but needs no secret.
os.environ.setdefault("SECRET_KEY", "test-only-key-never-used-in-production")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

from qmi.settings import *  # noqa: E402, F403
from qmi.settings import STORAGES  # noqa: E402

# PBKDF2 with 1,000,000 iterations dominates the CPU of any test that logs in.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Rate limits and cached pages never leak between parallel test workers; the
# Redis cache is exercised by the smoke tests.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False

# Most tests log staff in with force_login and no second factor; the tests of
# two-factor authentication (tests/accounts/test_mfa.py) turn enforcement on.
QMI_MFA_REQUIRED = False

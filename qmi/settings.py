"""Settings of the QMI platform, read from the environment only.

Every variable is listed in the README. With no environment at all the site
runs in DEBUG on a SQLite file with eager Celery tasks, which is what
`make run` and `make test` use.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


# One parsing of the environment (django-environ).
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development and tests only: never used with DEBUG off.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", cast=str.strip, default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", cast=str.strip, default=[]) or [SITE_URL]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_bootstrap5",
    "js_lib_bootstrap5",
    "django_htmx",
    "simple_history",
    "django_countries",
    "csp",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "accounts",
    "communes",
    "calls",
    "applications",
    "notifications",
    "stats",
    "api",
    "privacy",
    "experimentations",
    "auditions",
    "questions",
    "qmi",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "qmi.urls"
WSGI_APPLICATION = "qmi.wsgi.application"
ASGI_APPLICATION = "qmi.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qmi.context_processors.platform",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# Database: SQLite by default, DATABASE_URL for PostgreSQL (psycopg 3).
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: wait for a concurrent writer instead of failing at once; a
    # transaction takes the write lock when it begins (IMMEDIATE), so two
    # concurrent decisions queue instead of answering "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if IS_POSTGRES:
    # PostgreSQL's JIT compiles large plans: seconds lost on dashboard and export
    # queries that run in milliseconds without it (bench/RESULTS.md).
    # work_mem: the team dashboard sorts a commune's rows, an export ranks them all:
    # 43,000 rows at 100,000 applications sort in memory with 32 MB, spill to disk
    # with PostgreSQL's default 4 MB. Per sort, per connection: mind the RAM.
    # Parallel workers: none by default. Starting them costs ~20 ms per query, more
    # than they save on one commune's rows, and they take the cores the other web
    # workers need (bench/RESULTS.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options",
        f"-c jit=off -c work_mem={env.str('DB_WORK_MEM', '32MB')} "
        f"-c max_parallel_workers_per_gather={env.int('DB_PARALLEL_WORKERS', 0)}",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: broker and cache when REDIS_URL is set; eager tasks otherwise.
REDIS_URL = env.str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down: cache misses, rate limits lifted, pages and log-ins go on.
            "BACKEND": "qmi.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
            # Parallel test workers share one Redis: each gets its own prefix.
            "KEY_PREFIX": "qmi" + env.str("PYTEST_XDIST_WORKER", ""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_RESULT_EXPIRES = timedelta(hours=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must not hang when the broker is down: fail fast, the
# outbox sweep delivers later.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_TIMEZONE = "Europe/Paris"
# Days after a call's close when reviewers with pending reviews get a reminder.
QMI_REVIEW_REMINDER_DAYS = env.int("QMI_REVIEW_REMINDER_DAYS", default=7)
# Retention of personal data (shown on the privacy page; enforced daily by
# privacy.apply_retention or `python manage.py apply_retention`).
QMI_RETENTION = {
    # Drafts of a closed call are deleted this many months after the close...
    "DRAFT_MONTHS": env.int("QMI_RETENTION_DRAFT_MONTHS", default=3),
    # ...at the earliest this many days after the organisation was told.
    "DRAFT_NOTICE_DAYS": env.int("QMI_RETENTION_DRAFT_NOTICE_DAYS", default=14),
    # Applications not selected: anonymised this many years after the results.
    "NOT_SELECTED_YEARS": env.int("QMI_RETENTION_NOT_SELECTED_YEARS", default=5),
    # Laureates: kept while a pilot runs, anonymised this many years after its end.
    "LAUREATE_YEARS": env.int("QMI_RETENTION_LAUREATE_YEARS", default=5),
    # Accounts with no log-in for this many years: warned, then deleted.
    "INACTIVE_ACCOUNT_YEARS": env.int("QMI_RETENTION_INACTIVE_ACCOUNT_YEARS", default=3),
    "INACTIVE_NOTICE_DAYS": env.int("QMI_RETENTION_INACTIVE_NOTICE_DAYS", default=30),
    # Sent (or failed) messages and notifications older than this are pruned.
    "OUTBOX_MONTHS": env.int("QMI_RETENTION_OUTBOX_MONTHS", default=12),
    # "Mes données" archives can be downloaded for this many days.
    "EXPORT_DAYS": env.int("QMI_RETENTION_EXPORT_DAYS", default=7),
}
CELERY_BEAT_SCHEDULE = {
    # Retention of personal data, once a day at night.
    "privacy-apply-retention": {"task": "privacy.apply_retention", "schedule": 24 * 3600.0},
    # Outbox: pending rows a lost broker message left, rows of dead workers.
    "notifications-sweep-outbox": {"task": "notifications.sweep_outbox", "schedule": 60.0},
    # Publications, exports and data archives asked while the broker was down.
    "applications-resume-stalled-jobs": {
        "task": "applications.resume_stalled_jobs",
        "schedule": 300.0,
    },
    "privacy-resume-stalled-exports": {
        "task": "privacy.resume_stalled_exports",
        "schedule": 300.0,
    },
    # Deadline reminders, "a call opens" alerts, "call closed" and review reminders,
    # report reminders of pilots and survey reminders (J+7, J+14).
    "notifications-send-due-reminders": {
        "task": "notifications.send_due_reminders",
        "schedule": 300.0,
    },
    # Audition reminders, the day before each booked audition (once per booking).
    "auditions-send-reminders": {"task": "auditions.send_audition_reminders", "schedule": 300.0},
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail as identifier, mandatory verification,
# failed log-ins rate-limited (per IP and per account).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
    # Forms that mail an address nobody has confirmed (alerts, invitations).
    "mail_unconfirmed": "10/h/ip,3/h/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[QMI] "

# Two-factor authentication (allauth.mfa): an authenticator app (TOTP) with
# recovery codes, and security keys (WebAuthn). Optional for candidates;
# metropolis admins, commune managers and Django admin users must set it up
# before they reach a staff page. Off by default with DEBUG on, so that the
# demo logins work with their password alone (QMI_MFA_REQUIRED=1 turns it on).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "QMI"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_FORMS = {"add_webauthn": "accounts.mfa_forms.AddWebAuthnForm"}
QMI_MFA_REQUIRED = env.bool("QMI_MFA_REQUIRED", default=not DEBUG)
# ProConnect (OpenID Connect) for commune and metropolis agents, when its
# client id and secret are set. Accounts are matched by e-mail; none is
# created for an address no commune team invited (accounts.social).
PROCONNECT_CLIENT_ID = env.str("PROCONNECT_CLIENT_ID", "")
PROCONNECT_SECRET = env.str("PROCONNECT_SECRET", "")
PROCONNECT_SERVER_URL = env.str("PROCONNECT_SERVER_URL", "https://auth.proconnect.gouv.fr/api/v2")
SOCIALACCOUNT_ADAPTER = "accounts.social.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": (
            [
                {
                    "provider_id": "proconnect",
                    "name": "ProConnect",
                    "client_id": PROCONNECT_CLIENT_ID,
                    "secret": PROCONNECT_SECRET,
                    "settings": {
                        "server_url": PROCONNECT_SERVER_URL,
                        "token_auth_method": "client_secret_post",
                        "scope": ["openid", "email", "given_name", "usual_name"],
                        "verified_email": True,
                    },
                }
            ]
            if PROCONNECT_CLIENT_ID and PROCONNECT_SECRET
            else []
        ),
    }
}
# Sessions: every log-in is listed on the "Sessions" page and can be ended there.
USERSESSIONS_TRACK_ACTIVITY = False

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
# France first in the country lists of organisations.
COUNTRIES_FIRST = ["FR"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded files are private: no MEDIA_URL is served, downloads go
    # through views that check permission.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("MEDIA_ROOT", str(BASE_DIR / "media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    # Optional S3 storage (requires django-storages[s3] to be installed).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
MEDIA_ROOT = STORAGES["default"].get("OPTIONS", {}).get("location", str(BASE_DIR / "media"))
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024


# The README's EMAIL_URL schemes, in django-environ's names.
EMAIL_URL_SCHEMES = {
    "smtps": "smtp+ssl",
    "console": "consolemail",
    "locmem": "memorymail",
    "dummy": "dummymail",
}


def email_url_config(url):
    """EMAIL_URL=smtp://user:pass@host:port (smtp+tls / smtps, ?tls / ?ssl), console://..."""
    parts = urlsplit(url)
    flags = {"tls": "EMAIL_USE_TLS=1", "ssl": "EMAIL_USE_SSL=1"}
    query = "&".join(flags.get(item, item) for item in parts.query.split("&") if item)
    scheme = EMAIL_URL_SCHEMES.get(parts.scheme, parts.scheme)
    return env.email_url_config(urlunsplit((scheme, parts.netloc, parts.path, query, "")))


# EMAIL_URL, else the EMAIL_* variables, else the console.
EMAIL_URL = env.str("EMAIL_URL", default="")
_email = email_url_config(EMAIL_URL) if EMAIL_URL else {}
EMAIL_BACKEND = _email.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if env.str("EMAIL_HOST", default="")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = _email.get("EMAIL_HOST") or env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = _email.get("EMAIL_PORT") or env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or env.str(
    "EMAIL_HOST_PASSWORD", default=""
)
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", env.bool("EMAIL_USE_TLS", default=False)))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", env.bool("EMAIL_USE_SSL", default=False)))
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "QMI <no-reply@qmi.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: secure by default; DEBUG relaxes only what plain HTTP needs.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The container's health check asks over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Error pages: templates/400.html, 403.html, 404.html, 500.html and this view.
CSRF_FAILURE_VIEW = "qmi.views.csrf_failure"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if not IS_POSTGRES:
    # Covering indexes (Index(include=...)) serve PostgreSQL; SQLite builds them
    # without the extra columns, which is all it needs.
    SILENCED_SYSTEM_CHECKS.append("models.W040")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Public read-only API (api/) and open data (stats/): anyone may read them from
# any origin, without credentials; requests are limited per client IP.
QMI_API_RATE = env.str("QMI_API_RATE", "120/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerIPThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # How many reverse proxies in front of the site add to X-Forwarded-For
    # (0: the client is REMOTE_ADDR; a forged header never picks the bucket).
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
    "UNAUTHENTICATED_USER": None,
}
# The same count for allauth's rate limits (log-in, sign-up, password reset):
# behind a proxy, REMOTE_ADDR is the proxy's for every visitor.
ALLAUTH_TRUSTED_PROXY_COUNT = REST_FRAMEWORK["NUM_PROXIES"]
SPECTACULAR_SETTINGS = {
    "TITLE": "API des Quartiers Métropolitains d'Innovation",
    "DESCRIPTION": (
        "Lecture seule : éditions, communes, appels à projets publiés et lauréats publiés "
        "(Licence Ouverte 2.0). Pagination par ?page= et ?page_size= ; ETag et Last-Modified "
        "sur chaque réponse ; CORS ouvert en lecture ; requêtes limitées par adresse IP."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "LICENSE": {
        "name": "Licence Ouverte / Open Licence 2.0",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    },
}
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_URLS_REGEX = r"^/(api|donnees-ouvertes)/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Publisher details for the legal pages (mentions légales, contact).
QMI_PUBLISHER = {
    "name": env.str("QMI_PUBLISHER_NAME", "Métropole du Grand Paris"),
    "address": env.str(
        "QMI_PUBLISHER_ADDRESS", "15-19 avenue Pierre Mendès-France, 75013 Paris (à compléter)"
    ),
    "director": env.str("QMI_PUBLISHER_DIRECTOR", "Directeur de la publication (à compléter)"),
    "host": env.str("QMI_HOST_NAME", "Hébergeur (à compléter)"),
    "contact_email": env.str("QMI_CONTACT_EMAIL", "qmi@qmi.example"),
    "dpo_email": env.str("QMI_DPO_EMAIL", "dpo@qmi.example"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

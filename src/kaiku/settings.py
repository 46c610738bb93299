"""Django settings for Kaiku: every knob comes from the environment."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KAIKU_DATA_DIR", Path.cwd() / "var")).resolve()

KAIKU_ENV = os.environ.get("KAIKU_ENV", "development")
PRODUCTION = KAIKU_ENV == "production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Production must be given a key; elsewhere one is generated once and kept in DATA_DIR."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when KAIKU_ENV=production.")
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", default=False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "kaiku.accounts.apps.AdminConfig",  # Django's admin behind the second step
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "kaiku.core",
    "kaiku.accounts",
    "kaiku.organisations",
    "kaiku.audit",
    "kaiku.journeys",
    "kaiku.surveys",
    "kaiku.responses",
    "kaiku.textanalysis",
    "kaiku.analytics",
    "kaiku.loop",
    "kaiku.people",
    "kaiku.walkthroughs",
    "kaiku.privacy",
    "kaiku.invitations",
    "kaiku.demo",
    "ninja",
]

MIDDLEWARE = [
    # A view that found the database unreachable answers 503 with Retry-After.
    "kaiku.core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kaiku.core.middleware.ApiLanguageMiddleware",
    "kaiku.core.middleware.ApiNulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the two-step sign-in.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "kaiku.core.middleware.PermissionsPolicyMiddleware",
    "kaiku.organisations.middleware.ActiveOrganisationMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into our lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kaiku.urls"
WSGI_APPLICATION = "kaiku.wsgi.application"

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
                "kaiku.organisations.context_processors.active_organisation",
                "kaiku.people.context_processors.staff_support",
            ],
        },
    },
]

# Database: SQLite (WAL) in the data folder unless DATABASE_URL says otherwise.
_default_sqlite = f"sqlite:///{DATA_DIR / 'kaiku.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters sent apart from the query text, so that a statement run again and
    # again (a submission's one INSERT) is prepared once per connection and not parsed
    # and planned for every answer.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a Celery worker in another process sees the test data.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("KAIKU_TEST_SQLITE", str(DATA_DIR / "test-kaiku.sqlite3"))
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in: django-axes counts failed passwords first; ModelBackend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Passwords guard feedback that can name people and their health: 12 characters at
# least, not a common password, not like the user's name, not only digits.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Finnish first, then Swedish and English.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Helsinki")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "kaiku.core.staticfinders.PlotlyFinder",
]
# WhiteNoise warns on every request while the folder is missing (before collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploaded files (imports) live under the data folder and are never served directly:
# downloads go through views that check the organisation. Several machines share it.
MEDIA_ROOT = Path(os.environ.get("KAIKU_MEDIA_ROOT", DATA_DIR / "files"))
KAIKU_MAX_IMPORT_BYTES = int(os.environ.get("KAIKU_MAX_IMPORT_BYTES", 500 * 1024 * 1024))
# Walkthrough photos: refused above these sizes in bytes and in pixels (the pixel limit
# is read from the header, before decoding, so a small "image bomb" is refused cheaply).
KAIKU_PHOTO_MAX_BYTES = int(os.environ.get("KAIKU_PHOTO_MAX_BYTES", 10 * 1024 * 1024))
KAIKU_PHOTO_MAX_PIXELS = int(os.environ.get("KAIKU_PHOTO_MAX_PIXELS", 40_000_000))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kaiku@localhost")

# The cache holds rate-limit counters: Redis when KAIKU_CACHE_URL is set (production,
# several processes), local memory in the embedded default.
CACHE_URL = os.environ.get("KAIKU_CACHE_URL", "")
CACHES = {
    "default": (
        {
            # Redis stopped or unreachable is a cache that misses (kaiku.core.cache),
            # found out within a second: submissions go on without it.
            "BACKEND": "kaiku.core.cache.ForgivingRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# "count/seconds" per client IP and per survey, for public submissions.
KAIKU_RATE_LIMITS = {
    "submit_per_ip": os.environ.get("KAIKU_RATE_SUBMIT_PER_IP", "30/60"),
    "submit_per_survey": os.environ.get("KAIKU_RATE_SUBMIT_PER_SURVEY", "3000/60"),
    # A kiosk is one device that many people share: a tap every few seconds at most.
    "kiosk_per_device": os.environ.get("KAIKU_RATE_KIOSK_PER_DEVICE", "20/60"),
}
# Request bodies: the batch API takes the most; single submissions are capped lower.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
KAIKU_MAX_SUBMISSION_BYTES = 64 * 1024
# A person needs a few seconds to answer; quicker form posts are taken for bots.
KAIKU_MIN_FILL_SECONDS = float(os.environ.get("KAIKU_MIN_FILL_SECONDS", "3"))

# E-mail invitations: links in e-mails need the public address; a person gets at
# most one invitation in this many days.
KAIKU_BASE_URL = os.environ.get("KAIKU_BASE_URL", "http://127.0.0.1:8000")
KAIKU_CONTACT_CAP_DAYS = int(os.environ.get("KAIKU_CONTACT_CAP_DAYS", "30"))
# Dashboards show a figure only from this many responses up.
KAIKU_MIN_N = int(os.environ.get("KAIKU_MIN_N", "5"))
# Staff support: a month in which a handler carried this many sensitive (crisis)
# cases is marked "support to consider" (as is any month with a self-harm case).
KAIKU_CARE_LOAD_THRESHOLD = int(os.environ.get("KAIKU_CARE_LOAD_THRESHOLD", "6"))
# Case deadlines count these hours ("8-16"), Monday to Friday, in this time zone,
# without Finnish public holidays.
KAIKU_BUSINESS_HOURS = tuple(
    int(hour) for hour in os.environ.get("KAIKU_BUSINESS_HOURS", "8-16").split("-", 1)
)
KAIKU_BUSINESS_TIMEZONE = os.environ.get("KAIKU_BUSINESS_TIMEZONE", "Europe/Helsinki")
# Without a broker, notifications are delivered in a background thread; the tests
# deliver them inline, so that what they assert has happened.
KAIKU_OUTBOX_INLINE = _env_bool("KAIKU_OUTBOX_INLINE", default=False)
# Webhooks to private, loopback and link-local addresses: refused in production
# (they would let a rule reach into the network Kaiku runs in), allowed elsewhere.
KAIKU_WEBHOOK_PRIVATE_ADDRESSES = _env_bool(
    "KAIKU_WEBHOOK_PRIVATE_ADDRESSES", default=not PRODUCTION
)

# Background work: Celery with a broker when one is configured; otherwise tasks run
# in-process after the transaction commits, so the embedded default needs no service.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# With Redis, a task a dead worker held comes back after this many seconds; it must
# be longer than the longest task (a large import) and any countdown.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
}
# The loop's deliveries and sweeps have a queue of their own (`kaiku worker` serves
# both), so that neither waits behind a burst of per-response work: measured, a sweep
# stuck behind 10,000 checks expired unrun, and cases opened one task at a time.
CELERY_TASK_ROUTES = {
    "loop.deliver_message": {"queue": "loop"},
    "loop.deliver_due": {"queue": "loop"},
    "loop.check_new_responses": {"queue": "loop"},
    "loop.escalate_overdue": {"queue": "loop"},
}
# What a 503 tells the client to wait before sending again (the database is down).
KAIKU_RETRY_AFTER_SECONDS = int(os.environ.get("KAIKU_RETRY_AFTER_SECONDS", "5"))
# How often the sweeps for lost background work run (kaiku.core.background).
KAIKU_SWEEP_SECONDS = float(os.environ.get("KAIKU_SWEEP_SECONDS", "60"))
# `celery -A kaiku beat` (or cron running `kaiku send_invitations`) sends what is due.
CELERY_BEAT_SCHEDULE = {
    "send-due-invitations": {"task": "invitations.send_due", "schedule": 60.0},
    # Responses without comments reach the dashboards' rollups this way.
    "roll-up-new-responses": {"task": "analytics.roll_up_new_responses", "schedule": 15.0},
    # The loop: responses a lost task missed, notifications to retry, deadlines passed.
    # A sweep still queued when the next is due is dropped: they would only pile up.
    "check-new-responses": {
        "task": "loop.check_new_responses",
        "schedule": 15.0,
        "options": {"expires": 14},
    },
    "deliver-due-messages": {
        "task": "loop.deliver_due",
        "schedule": 15.0,
        "options": {"expires": 14},
    },
    "escalate-overdue-cases": {
        "task": "loop.escalate_overdue",
        "schedule": 60.0,
        "options": {"expires": 59},
    },
    # Texts whose analysis task was lost (Redis restarted, a worker killed): sent again.
    "analyse-lost-texts": {
        "task": "textanalysis.analyse_lost",
        "schedule": KAIKU_SWEEP_SECONDS,
        "options": {"expires": max(KAIKU_SWEEP_SECONDS - 1, 1)},
    },
    "analyse-lost-pulse-texts": {
        "task": "people.analyse_lost_pulse",
        "schedule": KAIKU_SWEEP_SECONDS,
        "options": {"expires": max(KAIKU_SWEEP_SECONDS - 1, 1)},
    },
    # Each organisation's retention policy: what is past its time goes, once a day.
    "apply-retention": {"task": "privacy.apply_retention", "schedule": 24 * 3600.0},
}

# Security headers; the CSP allows only what the app serves itself (no CDN).
# A session ends when the browser closes, and at the latest this many hours after it
# began (a working day): Django does not extend it on every request.
SESSION_COOKIE_AGE = int(float(os.environ.get("KAIKU_SESSION_HOURS", "8")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = _env_bool("KAIKU_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page of Kaiku uses are turned off; the kiosk goes full screen.
KAIKU_PERMISSIONS_POLICY = os.environ.get(
    "KAIKU_PERMISSIONS_POLICY",
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), fullscreen=(self)",
)
if PRODUCTION:
    SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Browsers then refuse plain HTTP to this host for a year (sent on HTTPS only).
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", default=False)
    # Off by default: the TLS-terminating proxy in front usually redirects HTTP itself.
    # Turned on, the health check stays reachable over HTTP for load balancers.
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", default=False)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# The client's address for rate limits and sign-in lockouts: REMOTE_ADDR, or behind
# this many reverse proxies that append to X-Forwarded-For, the address the outermost
# one saw (kaiku.core.ratelimit.client_ip). 0 trusts no forwarded header.
KAIKU_PROXY_COUNT = int(os.environ.get("KAIKU_PROXY_COUNT", "0"))

# Sign-in lockout (django-axes): a user name is locked from one address after this
# many failed passwords, for this many minutes; a successful sign-in resets the count.
# The API's keys never pass through Django's authentication, so axes never sees them.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A try during the lockout does not restart it: the page tells how long it lasts.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "kaiku.core.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "kaiku.accounts.views.locked_out"
# Failed attempts are kept (they expire with the cool-off); successful sign-ins are
# not logged by axes: the audit log records what people do.
AXES_DISABLE_ACCESS_LOG = True
# No banner on every command; failures are still logged, user names and addresses masked.
AXES_VERBOSE = False

# Two-step sign-in (TOTP, django-otp): owners and admins of any organisation must set
# it up before they use the back office; anyone may opt in. Off, nobody is forced, and
# those who set it up are still asked for their code.
KAIKU_REQUIRE_2FA = _env_bool("KAIKU_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "Kaiku"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # In-process (eager) tasks would log every run at INFO; a worker still logs its own.
    "loggers": {"celery.app.trace": {"level": "WARNING"}},
}

# Limits shared by forms, the API and the importer.
KAIKU_NAME_MAX = 200
KAIKU_DESCRIPTION_MAX = 2000
KAIKU_MAX_STAGES = 30
KAIKU_MAX_TOUCHPOINTS_PER_STAGE = 60

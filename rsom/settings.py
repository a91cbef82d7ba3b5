"""RSOM settings, read from the environment (see README, "Environment variables")."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from rsom.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "development-only-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_NAME = "Registered sex offender management"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "guardian",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    "django_celery_beat",
    "rsom.apps.RsomConfig",
    "cases",
    "notifications",
    "risk",
    "visits",
    "mappa",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rsom.middleware.audit_context",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rsom.urls"
WSGI_APPLICATION = "rsom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rsom.context_processors.service",
                "rsom.views.navigation",
            ],
        },
    },
]

# --- Database and Redis -------------------------------------------------------------------------
# With no DATABASE_URL, connect to the embedded server that `make run` keeps under .data/pg.
EMBEDDED_PG_DIR = BASE_DIR / ".data" / "pg"
DATABASE_URL = env_str("DATABASE_URL") or f"postgresql://postgres:@/rsom?host={EMBEDDED_PG_DIR}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# redis://host:port/db or unix:///path/to/redis.socket (the embedded server).
REDIS_URL = env_str("REDIS_URL") or "redis://127.0.0.1:6379/0"


def _celery_url(redis_url: str) -> str:
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://")
    return redis_url


# The nightly sweeps split the register into this many parts and run them at once: one per core
# the worker may use (its --concurrency).
SWEEP_PARTS = env_int("RSOM_SWEEP_PARTS", 2)

CELERY_BROKER_URL = _celery_url(REDIS_URL)
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queueing a task must never hang a page when Redis is down (quality.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE = {
    "verify-audit-nightly": {
        "task": "cases.tasks.verify_audit_trail",
        "schedule": crontab(hour=2, minute=30),
        "options": {"expires": 23 * 3600},
    },
    "sweep-register-nightly": {
        "task": "notifications.tasks.sweep_register_nightly",
        "schedule": crontab(hour=2, minute=0),
        "options": {"expires": 23 * 3600},
    },
    "sweep-visits-nightly": {
        "task": "visits.tasks.sweep_visits_nightly",
        "schedule": crontab(hour=2, minute=20),
        "options": {"expires": 23 * 3600},
    },
    "refresh-reactive-nightly": {
        "task": "risk.tasks.refresh_reactive_nightly",
        "schedule": crontab(hour=3, minute=0),
        "options": {"expires": 23 * 3600},
    },
    "sweep-mappa-reviews-nightly": {
        "task": "mappa.tasks.sweep_mappa_reviews_nightly",
        "schedule": crontab(hour=2, minute=40),
        "options": {"expires": 23 * 3600},
    },
    # Management information: after the sweeps, so the figures include the night's changes;
    # the digest in the morning, so it lists what the sweeps put in inboxes.
    "snapshot-figures-nightly": {
        "task": "dashboards.tasks.snapshot_figures_nightly",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 23 * 3600},
    },
    "send-digests-daily": {
        "task": "dashboards.tasks.send_digests_daily",
        "schedule": crontab(hour=6, minute=30),
        "options": {"expires": 23 * 3600},
    },
}

# --- Authentication, sessions, lockout ----------------------------------------------------------
AUTH_USER_MODEL = "cases.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
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
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the 30 minutes count from the last request: an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous people see nothing

# --- Security headers ----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Personal data (photographs, attachments) is never under STATIC: permission-checked views serve it.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / ".data" / "media")
MEDIA_URL = "/private-media-not-served/"  # a string Django needs; no URL serves it
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}

# --- Forms, API ---------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated call answers 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rsom.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "rsom.api.exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "RSOM API",
    "DESCRIPTION": "Registered sex offender management. Every read and write is audited.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files (no CDN), its script served separately (strict CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "NominalStatusEnum": "cases.models.NominalStatus",
        "SexEnum": "cases.models.Sex",
        "ClockStatusEnum": "notifications.rules.ClockStatus",
        "ReviewStageEnum": "notifications.models.ReviewStage",
        "ReviewOutcomeEnum": "notifications.models.ReviewOutcome",
        "CaseNoteKindEnum": "risk.models.NoteKind",
        "ReactiveStageEnum": "risk.models.ReactiveStage",
        "DenialReasonEnum": "risk.models.DenialReason",
        "ReactiveDecisionEnum": "risk.services.reactive.Decision",
        "ReactiveQueueStageEnum": "risk.services.reactive.QueueStage",
        # ARMS and plans
        "ArmsStatusEnum": "risk.models.ArmsStatus",
        "ArmsFactorKindEnum": "risk.models.FactorKind",
        "EvidenceEnum": "risk.models.Evidence",
        "PlanHeadingEnum": "risk.models.PlanHeading",
        "PlanActionStatusEnum": "risk.models.ActionStatus",
        # Several components now have a "kind": name the conviction's too.
        "ConvictionKindEnum": "notifications.models.ConvictionKind",
        # Visits: planning
        "VisitStatusEnum": "visits.models.VisitStatus",
        "VisitOutcomeEnum": "visits.models.Outcome",
        "TimeBandEnum": "visits.models.Band",
        "VisitDueStatusEnum": "visits.services.planning.DueStatus",
        # Civil orders and breaches (orders have a "type" too: name the notification's; a
        # notification order's disposal is the conviction's choice set)
        "NotificationTypeEnum": "notifications.models.NotificationType",
        "DisposalEnum": "notifications.models.DisposalChoice",
        "OrderTypeEnum": "notifications.models.OrderType",
        "OrderStatusEnum": "notifications.models.OrderStatus",
        "OrderTermKindEnum": "notifications.models.TermKind",
        "OrderChangeKindEnum": "notifications.models.OrderChangeKind",
        "BreachDutyEnum": "notifications.models.BreachDuty",
        "BreachHowFoundEnum": "notifications.models.HowFound",
        "BreachActionEnum": "notifications.models.BreachAction",
        "BreachSeverityEnum": "notifications.models.Severity",
        "OrderReviewFlagEnum": "notifications.order_rules.FlagCode",
        # MAPPA
        "MappaCategoryEnum": "cases.models.MappaCategory",
        "MappaLevelEnum": "cases.models.MappaLevel",
        "RiskLevelEnum": "cases.models.RiskLevel",
        "MeetingLevelEnum": "mappa.serializers.MEETING_LEVELS",
        "MeetingStatusEnum": "mappa.models.MeetingStatus",
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "rsom@localhost"
# The service's address as users reach it: links in e-mails are built on it.
SITE_URL = (env_str("SITE_URL") or "http://localhost:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    # django-axes logs every sign-in at INFO; lockouts (WARNING) are what operators need.
    # WeasyPrint narrates every rendering step at INFO.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

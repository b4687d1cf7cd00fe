"""Settings shared by every environment, read from the process environment.

With nothing set the project runs on the embedded default: SQLite under var/ and Celery tasks
executed in-process. DATABASE_URL (PostgreSQL) and REDIS_URL switch to the real services.
"""

from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# --- Applications -------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "simple_history",
    "csp",
]
LOCAL_APPS = [
    "core",
    "catalog",
    "importorders",
    "compliance",
    "webhooks",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Early, after the language is chosen: a NUL in the path, the query or a portal form is a 400.
    "core.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "core.context_processors.caller",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# SQLite: WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so
# concurrent writers queue on busy_timeout instead of failing with "database is locked".
SQLITE_PATH = env.path("SQLITE_PATH", default=VAR_DIR / "importorders.sqlite3")
SQLITE_DATABASE = {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": str(SQLITE_PATH),
    "OPTIONS": {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON",
    },
}
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    # Django's psycopg 3 pool: connections are reused across requests (a new connection per
    # request halves list throughput here). The pool requires CONN_MAX_AGE = 0.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A PostgreSQL that is down answers 503 within about the pool timeout, not after a hang: a
    # request waits at most DB_POOL_TIMEOUT seconds for a connection (a sync gunicorn worker
    # serves one request at a time, so it never waits on its own pool while PostgreSQL is up),
    # and opening one gives up after DB_CONNECT_TIMEOUT seconds (psycopg never waits less than 2).
    # While it is down the pool retries with a doubling delay; after DB_POOL_RECONNECT_TIMEOUT it
    # drops the attempt and the next request starts afresh. psycopg_pool's default (5 minutes) let
    # the delay grow so long that processes kept answering 503 for up to a minute after PostgreSQL
    # was back from an outage of one; 10 s keeps that to a few seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=env.int("DB_CONNECT_TIMEOUT", default=2),
        pool={
            "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DB_POOL_MAX_SIZE", default=8),
            "timeout": env.float("DB_POOL_TIMEOUT", default=2.0),
            "reconnect_timeout": env.float("DB_POOL_RECONNECT_TIMEOUT", default=10.0),
        },
    )
else:
    DATABASES = {"default": SQLITE_DATABASE}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (throttling, rate limits, cached reference data) -------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="importorders"),
            "TIMEOUT": 300,
            # An unreachable Redis must cost a request little: requests degrade without it
            # (docs/operations.md), and after one failure core.cache stops trying for 2 s.
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
                "socket_timeout": env.float("REDIS_SOCKET_TIMEOUT", default=0.5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------------------------------
# Without REDIS_URL tasks run eagerly in-process (the embedded default). Everything below is the
# production configuration; docs/operations.md explains each choice.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_TRACK_STARTED = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# With late acks Redis redelivers an unacknowledged task after the visibility timeout. It must be
# longer than any countdown/ETA a task is given (the FX import's retries wait FX_RETRY_SECONDS,
# 900 s) plus the hard time limit, or a task still waiting or running would run twice. One hour
# leaves a wide margin; the price is that a task lost with its worker comes back only after it
# (plus kombu's restore interval, about 100 s).
# Nothing re-queues lost work sooner today: the periodic tasks are the worker heartbeat and the
# daily FX import (CELERY_BEAT_SCHEDULE below; docs/operations.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "Asia/Tokyo"
CELERY_TASK_DEFAULT_QUEUE = "default"

# --- E-mail (notifications) ----------------------------------------------------------------------
# Locally the console backend prints each message; tests use locmem; production sends over SMTP
# from EMAIL_URL (config/settings/production.py). Links in e-mails start with PORTAL_BASE_URL.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="importorders <noreply@localhost>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Authentication -----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation: Japanese first, English beside it; stored in UTC, shown in Japan time --
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploaded documents and photos: private, outside STATIC_ROOT and MEDIA_ROOT, never served by URL
# (core.storage). A bucket store implements the same interface and is named here.
PRIVATE_STORAGE_BACKEND = env("PRIVATE_STORAGE_BACKEND", default="core.storage.FileSystemPrivateStore")
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=VAR_DIR / "private")
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10_000_000)
UPLOAD_MAX_IMAGE_PIXELS = env.int("UPLOAD_MAX_IMAGE_PIXELS", default=40_000_000)

# --- Security headers that hold everywhere --------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "core.sessions"  # database sessions; a cookie that is not a session key is no session
CSRF_FAILURE_VIEW = "core.api.fallback.csrf_failure"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; kept default-compatible
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ApiKeyAuthentication",
        "core.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.IsAuthenticatedCaller"],
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.CallerRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.api.negotiation.RememberingContentNegotiation",
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "importorders API",
    "DESCRIPTION": (
        "Ordering and tracking US-built vehicles re-imported into Japan: catalog and landed-cost "
        "quotes, dealer orders, vehicles, compliance documents and logistics partner events. "
        'Errors share one envelope: {"error": {"code", "message", "fields"}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "RecognitionStatusEnum": "catalog.models.RecognitionStatus",
        # GET me/'s caller kinds: named first, so later `kind` enums do not rename it.
        "KindEnum": ["user", "dealer_key", "partner_key"],
        "OrderStatusEnum": "importorders.models.orders.OrderStatus",
        "OrderKindEnum": "importorders.models.orders.OrderKind",
        "OrderEventKindEnum": "importorders.models.orders.OrderEventKind",
        "ActorKindEnum": "core.actors.ActorKindChoice",
        "MilestoneEnum": "importorders.models.shipments.Milestone",
        "WebhookDeliveryStatusEnum": "webhooks.models.DeliveryStatus",
        "WebhookDisabledReasonEnum": "webhooks.models.DisabledReason",
        "ClassifierEnum": "importorders.models.shipments.Classifier",
        "EventErrorCodeEnum": ["invalid", "unmapped_code", "unknown_vin"],
    },
}

# Requests per caller (user, key) or per client address for anonymous calls; "N/second|minute|hour|day".
API_THROTTLE_RATES = {
    "user": env("API_THROTTLE_USER", default="600/minute"),
    "dealer_key": env("API_THROTTLE_DEALER_KEY", default="600/minute"),
    "partner_key": env("API_THROTTLE_PARTNER_KEY", default="1200/minute"),
    "anonymous": env("API_THROTTLE_ANONYMOUS", default="60/minute"),
}
# Bad API keys from one client address: (attempts, window in seconds) before 429.
API_BAD_KEY_LIMIT = (env.int("API_BAD_KEY_LIMIT", default=20), 300)
# Failed portal logins: per username+address and per address, (attempts, window in seconds).
LOGIN_LIMIT_PER_USER = (env.int("LOGIN_LIMIT_PER_USER", default=5), 900)
LOGIN_LIMIT_PER_IP = (env.int("LOGIN_LIMIT_PER_IP", default=30), 900)
# How many reverse proxies in front of the app append to X-Forwarded-For (0: trust none).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Logging: 500s and task failures must be visible --------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}

# Periodic tasks. The database scheduler copies these into django-celery-beat's tables at start,
# where the back office can change their timing in the admin.
# The FX import runs at 10:30 Japan time on weekdays (CELERY_TIMEZONE), after the banks publish
# their day's rates around 10:00; a holiday's run finds yesterday's rate and changes nothing.
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "core.worker_heartbeat", "schedule": 60.0},
    # Shipment events left unapplied (a lost task, a flushed queue, a killed worker) are re-queued.
    "shipment-events-sweep": {"task": "importorders.shipment_events_sweep", "schedule": 60.0},
    # Webhook deliveries that are due (retries, lost tasks, killed workers) are re-queued.
    "webhooks-sweep": {"task": "webhooks.sweep", "schedule": 60.0},
    "idempotency-keys-purge": {"task": "importorders.idempotency_keys_purge", "schedule": 3600.0},
    # Shipments gone quiet or slipping past their promise (thresholds in the admin).
    "shipments-watch": {"task": "importorders.shipments_watch", "schedule": 3600.0},
    # Partners' tracking APIs, each at its own interval and rate limit (pull adapters).
    "partner-tracking-poll": {"task": "importorders.partner_tracking_poll", "schedule": 60.0},
    "fx-rate-import": {
        "task": "catalog.fx_rate_import",
        "schedule": crontab(
            minute=env.int("FX_IMPORT_MINUTE", default=30),
            hour=env.int("FX_IMPORT_HOUR", default=10),
            day_of_week="mon-fri",
        ),
    },
    # Compliance deadlines at 09:00 Japan time daily: reminders N days before a document expires
    # (N from the back office's reminder rows) and the notices of documents that expired.
    "compliance-deadlines": {
        "task": "compliance.deadlines_sweep",
        "schedule": crontab(
            minute=env.int("DEADLINES_MINUTE", default=0), hour=env.int("DEADLINES_HOUR", default=9)
        ),
    },
}

# --- Partner events (docs/api.md, "Partner API") -------------------------------------------------
# The sweeper re-queues the apply task for events that wait longer than this (the beat runs it
# every minute), so a lost task costs minutes, never the broker's one-hour visibility timeout.
SHIPMENT_EVENTS_SWEEP_MINUTES = env.float("SHIPMENT_EVENTS_SWEEP_MINUTES", default=3.0)
# How long a partner's Idempotency-Key and its stored answer are kept (published in docs/api.md).
IDEMPOTENCY_KEY_RETENTION_HOURS = env.int("IDEMPOTENCY_KEY_RETENTION_HOURS", default=24)
# Pull adapters (partners' tracking APIs polled by the beat): timeout, answer size, longest backoff.
TRACKING_FETCH_TIMEOUT = env.float("TRACKING_FETCH_TIMEOUT", default=10.0)
TRACKING_FETCH_MAX_BYTES = env.int("TRACKING_FETCH_MAX_BYTES", default=2_000_000)
TRACKING_BACKOFF_MAX_SECONDS = env.int("TRACKING_BACKOFF_MAX_SECONDS", default=3600)

# --- FX rates: where the daily import reads the USD/JPY rate (docs/operations.md, "FX rates") ------
# FX_SOURCE_FORMAT names a parser in catalog.services.fx_import.FORMATS: "bank_csv" (a Japanese
# bank's daily TTS/TTB/TTM table, UTF-8 or Shift_JIS) or "json" ({"date", "base", "rates": {...}}).
# Without FX_SOURCE_URL the task does nothing but log that no source is configured.
FX_SOURCE_URL = env("FX_SOURCE_URL", default="")
FX_SOURCE_FORMAT = env("FX_SOURCE_FORMAT", default="bank_csv")
FX_SOURCE_NAME = env("FX_SOURCE_NAME", default="MUFG TTM")
# Which column of the bank's table is the rate, and which names the currency (header texts).
FX_BANK_CSV_RATE_COLUMNS = env.list("FX_BANK_CSV_RATE_COLUMNS", default=["TTM", "仲値"])
FX_BANK_CSV_CURRENCY_COLUMNS = env.list(
    "FX_BANK_CSV_CURRENCY_COLUMNS", default=["通貨略称", "略称", "通貨コード", "Currency", "Code"]
)
FX_FETCH_TIMEOUT = env.float("FX_FETCH_TIMEOUT", default=10.0)
FX_FETCH_MAX_BYTES = env.int("FX_FETCH_MAX_BYTES", default=1_000_000)
FX_RETRY_SECONDS = env.float("FX_RETRY_SECONDS", default=900.0)  # a source that is down: 3 retries
# A rate outside this band (JPY per USD) is refused as absurd; one that moves more than
# FX_MAX_DAILY_CHANGE_PERCENT from the previous rate is held back for operations to confirm.
FX_SANE_RATE_MIN = Decimal(env("FX_SANE_RATE_MIN", default="50"))
FX_SANE_RATE_MAX = Decimal(env("FX_SANE_RATE_MAX", default="500"))
FX_MAX_DAILY_CHANGE_PERCENT = Decimal(env("FX_MAX_DAILY_CHANGE_PERCENT", default="5"))
# Operations are warned (portal banner, /readyz details) once the newest rate is older than this;
# quotes refuse after catalog.services.quote.FX_MAX_AGE_DAYS (7): warn before they do.
FX_ALERT_AGE_DAYS = env.int("FX_ALERT_AGE_DAYS", default=3)

# Saved quotes (importorders.services.quotes): how many days a quote may be reopened at its prices,
# counting the day it is issued (30: issued on the 1st, valid until the 30th, expired on the 31st).
QUOTE_VALIDITY_DAYS = env.int("QUOTE_VALIDITY_DAYS", default=30)

# --- Outbound webhooks (docs/webhooks.md) -----------------------------------------------------------
# Seconds after each failed attempt until the next (Standard Webhooks' recommendation, stretched
# over about three and a half days); after the last, the endpoint is disabled and its owner told.
WEBHOOKS_RETRY_SCHEDULE = [
    5,
    5 * 60,
    30 * 60,
    2 * 3600,
    5 * 3600,
    10 * 3600,
    10 * 3600,
    14 * 3600,
    20 * 3600,
    24 * 3600,
]
WEBHOOKS_CONNECT_TIMEOUT = env.float("WEBHOOKS_CONNECT_TIMEOUT", default=5.0)
WEBHOOKS_TOTAL_TIMEOUT = env.float("WEBHOOKS_TOTAL_TIMEOUT", default=10.0)
# While an attempt runs its delivery is not due again for this long (longer than any attempt).
WEBHOOKS_ATTEMPT_LEASE_SECONDS = 120
# Tests against a local receiver only: lets webhooks reach loopback and private addresses.
# Never read from the environment; `check --deploy` fails while it is on.
WEBHOOKS_ALLOW_PRIVATE_TARGETS = False

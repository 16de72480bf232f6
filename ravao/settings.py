"""Ravao settings: one module, driven by the environment (see docs/configuration.md).

Defaults are safe for the embedded demo (SQLite in ./data, DEBUG on only when asked);
production sets RAVAO_SECRET_KEY, RAVAO_ALLOWED_HOSTS, RAVAO_BASE_URL, DATABASE_URL and keys.
"""

from pathlib import Path

import dj_database_url

from ravao.core.dbconfig import replica_databases
from ravao.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(envstr("RAVAO_DATA_DIR", str(BASE_DIR / "data")))

DEBUG = envbool("RAVAO_DEBUG", False)
# A demonstration on public or derived keys: without it (and DEBUG off) Ravao refuses to start
# on them (ravao/core/failclosed.py); with it every page shows a demo banner.
RAVAO_DEMO = envbool("RAVAO_DEMO", False)
# The demo key is public on purpose: a production deployment must set its own.
SECRET_KEY = envstr(
    "RAVAO_SECRET_KEY", "ravao-demo-insecure-secret-key-change-me-in-production"
)  # core.checks refuses it in production
ALLOWED_HOSTS = envlist("RAVAO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
BASE_URL = envstr("RAVAO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Unset: links and posters use the address of the request (ravao/core/baseurl.py).
RAVAO_BASE_URL_FIXED = bool(envstr("RAVAO_BASE_URL", ""))
CSRF_TRUSTED_ORIGINS = envlist("RAVAO_CSRF_TRUSTED_ORIGINS", [BASE_URL])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ravao.core",
    "ravao.api",
    "ravao.units",
    "ravao.catalog",
    "ravao.accounts",
    "ravao.audit",
    "ravao.codes",
    "ravao.organisations",
    "ravao.venues",
    "ravao.people",
    "ravao.health",
    "ravao.checkins",
    "ravao.gate",
    "ravao.tracing",
    "ravao.oversight",
    "ravao.mobilisation",
    "ravao.signin",
    "ravao.simulate",
    "ravao.ingest",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "ravao.core.inputs.InputGuardMiddleware",
    "ravao.core.outage.DatabaseOutageMiddleware",
    "ravao.core.headers.SecurityHeadersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "ravao.core.baseurl.RequestBaseURLMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ravao.accounts.sessions.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ravao.urls"
WSGI_APPLICATION = "ravao.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# User name, or (venue owners) the phone in any common form: ravao/accounts/backends.py.
AUTHENTICATION_BACKENDS = ["ravao.accounts.backends.UsernameOrPhoneBackend"]
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "core:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ravao.core.context_processors.site",
            ],
        },
    },
]

DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'ravao.sqlite3'}"),
        conn_max_age=envint("RAVAO_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif envbool("RAVAO_DB_PREPARED_STATEMENTS", not envbool("RAVAO_DB_POOLED", False)):
    # The check-in hot path's statements (ravao/core/fastsql.py) are prepared by PostgreSQL
    # after 5 runs on a connection. Turn off behind a transaction-mode pooler that cannot
    # carry prepared statements (PgBouncer before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
# A kept connection is tested before reuse: a restarted database or a cut connection costs one
# reconnect, not a failed request (outages themselves answer 503: ravao/core/outage.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = envbool("RAVAO_DB_HEALTH_CHECKS", True)
# Behind a transaction-mode pooler (PgBouncer) a server-side cursor cannot outlive its
# transaction, and PgBouncer before 1.21 cannot carry prepared statements (docs/deployment.md).
if envbool("RAVAO_DB_POOLED", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# Read replicas (ravao/core/dbrouting.py): only when configured, so nothing changes without them.
DATABASES.update(
    replica_databases(
        envlist("DATABASE_REPLICA_URL", []),
        conn_max_age=envint("RAVAO_DB_CONN_MAX_AGE", 60),
        connect_timeout=envint("RAVAO_REPLICA_CONNECT_TIMEOUT", 2),
        options={},
    )
)
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["ravao.core.dbrouting.ReplicaRouter"]
    MIDDLEWARE.append("ravao.core.dbrouting.ReplicaMiddleware")
RAVAO_REPLICA_MAX_LAG_SECONDS = envint("RAVAO_REPLICA_MAX_LAG_SECONDS", 30)
RAVAO_REPLICA_CHECK_SECONDS = envint("RAVAO_REPLICA_CHECK_SECONDS", 5)
# /metrics (ravao/core/metrics.py): a bearer token, or else these client addresses only.
MIDDLEWARE.insert(0, "ravao.core.observability.RequestMiddleware")
RAVAO_METRICS_TOKEN = envstr("RAVAO_METRICS_TOKEN", "")
RAVAO_METRICS_ALLOW = envlist("RAVAO_METRICS_ALLOW", ["127.0.0.1", "::1"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The visit index covers extra columns on PostgreSQL (INCLUDE); SQLite just ignores them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# The rate limits and the log-in lockout count in this cache (ravao/core/ratelimit.py). Redis
# shares the counts between every worker and server (production). Without it each worker
# process counts for itself: Django's database and file caches would be shared but lose counts
# (their incr is a read then a write), see docs/configuration.md.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    }
}
if envstr("RAVAO_REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": envstr("RAVAO_REDIS_URL"),
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Languages: Vietnamese by default, English complete. The user's choice (cookie, saved on the
# account) wins, then the browser's Accept-Language, then Vietnamese.
LANGUAGE_CODE = envstr("RAVAO_LANGUAGE", "vi")
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# One date format per language everywhere (ravao/core/dates.py).
FORMAT_MODULE_PATH = ["ravao.core.formats"]
# Each app keeps its own catalogue in ravao/<app>/locale (found by Django automatically).
LOCALE_PATHS: list[Path] = []
TIME_ZONE = envstr("RAVAO_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("RAVAO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing one
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("RAVAO_SECURE_COOKIES", BASE_URL.startswith("https://"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("RAVAO_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("RAVAO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: empty for Ravao's own (ravao/core/headers.py), a policy to replace
# it, or "off".
RAVAO_CSP = envstr("RAVAO_CSP", "")

EMAIL_BACKEND = envstr("RAVAO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("RAVAO_FROM_EMAIL", "ravao@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line knows its request's id (ravao/core/observability.py); RAVAO_LOG_JSON=1: one JSON object a line.
    "filters": {"request_id": {"()": "ravao.core.observability.RequestIdFilter"}},
    "formatters": {"json": {"()": "ravao.core.observability.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if envbool("RAVAO_LOG_JSON", False) else {}),
        }
    },
    "root": {"handlers": ["console"], "level": envstr("RAVAO_LOG_LEVEL", "WARNING")},
    "loggers": {"ravao": {"handlers": ["console"], "level": envstr("RAVAO_LOG_LEVEL", "INFO"), "propagate": False}},
}

# --- Ravao's own settings -------------------------------------------------------------------
# Which generation of administrative units public codes refer to by default.
RAVAO_UNIT_GENERATION = envstr("RAVAO_UNIT_GENERATION", "2025")
# Personal data is deleted after this many days (Vietnam 2021: one month).
RAVAO_RETENTION_DAYS = envint("RAVAO_RETENTION_DAYS", 30)
RAVAO_AUDIT_RETENTION_DAYS = envint("RAVAO_AUDIT_RETENTION_DAYS", 730)
# SMS back end: dotted path to a class with send(phone, text); the default logs the message.
RAVAO_SMS_BACKEND = envstr("RAVAO_SMS_BACKEND", "ravao.core.sms.ConsoleSMSBackend")
# Fernet keys for personal data at rest, comma-separated, newest first (rotation: prepend a new
# key, run `ravao rotatekeys`, then drop the old one). The demo derives keys from SECRET_KEY.
RAVAO_FIELD_KEYS = envlist("RAVAO_FIELD_KEYS", [])
# HMAC key for the keyed hashes that find people by phone and ID number without decrypting.
RAVAO_LOOKUP_KEY = envstr("RAVAO_LOOKUP_KEY", "")
# Ed25519 signing keys for QR codes: "kid:base64-private-key" pairs, comma-separated; the first
# signs, all verify. RAVAO_VERIFY_KEYS adds public-only keys ("kid:base64-public-key").
RAVAO_SIGNING_KEYS = envlist("RAVAO_SIGNING_KEYS", [])
RAVAO_VERIFY_KEYS = envlist("RAVAO_VERIFY_KEYS", [])

# Log-in (ravao/accounts/forms.py): after this many failures for one user name from one address,
# that pair waits until the end of a window of this many minutes; one address may try this many
# log-ins per window whatever the user names. Counted by every worker and server together.
RAVAO_LOGIN_MAX_FAILURES = envint("RAVAO_LOGIN_MAX_FAILURES", 10)
RAVAO_LOGIN_LOCKOUT_MINUTES = envint("RAVAO_LOGIN_LOCKOUT_MINUTES", 15)
RAVAO_LOGIN_ADDRESS_MAX_TRIES = envint("RAVAO_LOGIN_ADDRESS_MAX_TRIES", 100)
# Sessions (ravao/accounts/sessions.py): they end after this many minutes without a request
# (officials, tracers, auditors; venue managers and gate staff), and in any case this many hours
# after the log-in.
RAVAO_SESSION_IDLE_MINUTES = envint("RAVAO_SESSION_IDLE_MINUTES", 30)
RAVAO_VENUE_SESSION_IDLE_MINUTES = envint("RAVAO_VENUE_SESSION_IDLE_MINUTES", 480)
RAVAO_SESSION_MAX_HOURS = envint("RAVAO_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = RAVAO_SESSION_MAX_HOURS * 3600
# Second factor (django-otp, ravao/accounts/secondfactor.py): the name authenticator apps show.
OTP_TOTP_ISSUER = envstr("RAVAO_TOTP_ISSUER", "Ravao")

# Check-in (ravao/checkins/conf.py explains each).
RAVAO_REPEAT_SCAN_MINUTES = envint("RAVAO_REPEAT_SCAN_MINUTES", 30)
RAVAO_EVENT_GRACE_MINUTES = envint("RAVAO_EVENT_GRACE_MINUTES", 60)
RAVAO_TRIP_GRACE_MINUTES = envint("RAVAO_TRIP_GRACE_MINUTES", 30)
RAVAO_SCAN_MAX_AGE_HOURS = envint("RAVAO_SCAN_MAX_AGE_HOURS", 72)
RAVAO_SCAN_MAX_FUTURE_SECONDS = envint("RAVAO_SCAN_MAX_FUTURE_SECONDS", 60)
RAVAO_SCAN_BACKDATE_MINUTES = envint("RAVAO_SCAN_BACKDATE_MINUTES", 5)
RAVAO_TYPED_NUMBER_LIMIT = envint("RAVAO_TYPED_NUMBER_LIMIT", 10)
RAVAO_CHECKIN_RATE_LIMIT = envint("RAVAO_CHECKIN_RATE_LIMIT", 120)
RAVAO_CHECKIN_RATE_WINDOW = envint("RAVAO_CHECKIN_RATE_WINDOW", 60)
RAVAO_SCAN_RATE_LIMIT = envint("RAVAO_SCAN_RATE_LIMIT", 240)
RAVAO_CLIENT_IP_HEADER = envstr("RAVAO_CLIENT_IP_HEADER", "")
RAVAO_REPLAY_KEEP_HOURS = envint("RAVAO_REPLAY_KEEP_HOURS", 96)
RAVAO_HOT_CACHE_SECONDS = envint("RAVAO_HOT_CACHE_SECONDS", 60)
# The ingestion front (ravao/ingest, PostgreSQL): check-ins written in groups of at most
# RAVAO_INGEST_GROUP per transaction, at most RAVAO_INGEST_QUEUE waiting per worker (503 beyond).
RAVAO_INGEST = envbool("RAVAO_INGEST", True)
RAVAO_INGEST_GROUP = envint("RAVAO_INGEST_GROUP", 64)
RAVAO_INGEST_QUEUE = envint("RAVAO_INGEST_QUEUE", 512)
RAVAO_INGEST_WRITERS = envint("RAVAO_INGEST_WRITERS", 4)  # writer threads (connections) per worker

# Tracing (ravao/tracing/conf.py explains each).
RAVAO_TRACING_BUFFER_MINUTES = envint("RAVAO_TRACING_BUFFER_MINUTES", 60)
RAVAO_TRACING_MAX_STAY_HOURS = envint("RAVAO_TRACING_MAX_STAY_HOURS", 24)
RAVAO_EXPOSURE_WINDOW_DAYS = envint("RAVAO_EXPOSURE_WINDOW_DAYS", 14)

# Oversight (docs/indicators.md): the share of known targets that must be registered, how far back
# the rollup re-reads late visits, how often the multi-day visitor windows are refreshed, and the
# PostgreSQL work_mem of the rollup's distinct counts.
RAVAO_TARGET_REGISTERED_SHARE = float(envstr("RAVAO_TARGET_REGISTERED_SHARE", "0.8"))
# Mobilisation: the hotline the loudspeaker and radio scripts and the printed notices give
# (empty: they ask people to contact the People's Committee of their commune).
RAVAO_HOTLINE = envstr("RAVAO_HOTLINE", "")
RAVAO_ROLLUP_LOOKBACK_MINUTES = envint("RAVAO_ROLLUP_LOOKBACK_MINUTES", 60)
RAVAO_RANGE_SYNC_MAX = envint("RAVAO_RANGE_SYNC_MAX", 100_000)
RAVAO_ROLLUP_RANGE_BUDGET_SECONDS = envint("RAVAO_ROLLUP_RANGE_BUDGET_SECONDS", 30)
RAVAO_ROLLUP_GAP_SCAN = envint("RAVAO_ROLLUP_GAP_SCAN", 100_000)
RAVAO_ROLLUP_WORK_MEM_MB = envint("RAVAO_ROLLUP_WORK_MEM_MB", 256)

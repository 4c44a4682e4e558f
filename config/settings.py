"""Settings, driven by the environment.

With no environment variables the whole system runs embedded: SQLite, a local-memory cache, an
in-memory channel layer and Celery executing tasks eagerly in-process. Setting ``DATABASE_URL`` and
``REDIS_URL`` switches to the production topology (PostgreSQL; Redis for the cache, the channel
layer and the Celery broker, each on its own logical database).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from observability import logs

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me-in-production-0123456789"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "graphene_django",
    "health_check",
    "campaign",
    "rules",
    "scheduler",
    "realtime",
    "demo",
    # For its management commands (doctor).
    "api",
]

MIDDLEWARE = [
    # Request id and /metrics measurements: first, so they see the whole request.
    "api.observation_middleware.ObservationMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Django's session, CSRF, authentication and messages middleware, skipped on the paths
    # that authenticate by token (GraphQL, /auth/, liveness): api/token_paths.py.
    "api.token_paths.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "api.token_paths.CsrfViewMiddleware",
    "api.token_paths.AuthenticationMiddleware",
    "api.token_paths.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A database or Redis outage in a view: JSON 503 with Retry-After, not an HTML 500.
    "api.outage_middleware.OutageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL")
# PostgreSQL connections come from a psycopg pool in each process (DB_POOL, on by default): a
# request borrows one and gives it back when it ends, whichever thread it ran on, so connections
# are reused (a new one cost 3.4 ms a request) and a process never holds more than
# DB_POOL_MAX_SIZE. The web server sets that to its thread count (config/web.py). Budget:
# the sum of every process's maximum (web, WebSocket and Celery processes) stays below
# PostgreSQL's max_connections less a reserve for operators (docs/architecture.md, "The
# request path and connections"). Behind PgBouncer in transaction mode, DB_POOL=0 leaves
# pooling to PgBouncer: each request then opens a cheap client connection to it
# (DB_CONN_MAX_AGE=0).
DB_POOL = env_bool("DB_POOL", True)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            # Without the pool, under ASGI every request may run on another thread, and a
            # connection kept past the request would stay open with that thread: persistent
            # connections are opt-in. The pool requires 0.
            conn_max_age=0 if DB_POOL else int(os.environ.get("DB_CONN_MAX_AGE", "0")),
            conn_health_checks=not DB_POOL,
            # PgBouncer in transaction mode cannot keep a server-side cursor across statements.
            disable_server_side_cursors=env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False),
        )
    }
    # A database host that drops packets would otherwise hold every request until the kernel
    # gives up; fail fast so the request answers SERVICE_UNAVAILABLE.
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["connect_timeout"] = int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
        if env_bool("DB_PREPARED_STATEMENTS", True):
            # A statement a connection runs again (the same SQL text: the hot paths' are) is
            # planned once: psycopg prepares it on its fifth run, and the parameters travel
            # apart from it. The load of an edit was planned in 0.5 ms and ran in 0.1 (issue
            # 15). PgBouncer 1.21+ passes prepared statements through with
            # max_prepared_statements set (docker/pgbouncer.ini); older poolers need it off.
            options["server_side_binding"] = True
            options["prepare_threshold"] = int(os.environ.get("DB_PREPARE_THRESHOLD", "5"))
        if DB_POOL:
            options["pool"] = {
                # Opened on demand and closed after max_idle (psycopg-pool's 10 minutes), so
                # an idle process keeps only this many.
                "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "1")),
                "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "16")),
                # A request waits this long for a connection when all are in use.
                "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "5")),
            }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")),
            # Writers wait for each other instead of failing with "database is locked".
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "campaign.User"

# --- Redis: cache, channel layer and broker on separate logical databases ---------------------
REDIS_URL = os.environ.get("REDIS_URL")


def redis_db_url(db: int) -> str:
    assert REDIS_URL is not None
    base = REDIS_URL.rstrip("/")
    scheme_and_host, _, maybe_db = base.rpartition("/")
    if maybe_db.isdigit() and "//" in scheme_and_host:
        base = scheme_and_host
    return f"{base}/{db}"


REDIS_CACHE_DB = int(os.environ.get("REDIS_CACHE_DB", "0"))
REDIS_CHANNELS_DB = int(os.environ.get("REDIS_CHANNELS_DB", "1"))
REDIS_BROKER_DB = int(os.environ.get("REDIS_BROKER_DB", "2"))

REDIS_CACHE_URL = redis_db_url(REDIS_CACHE_DB) if REDIS_URL else None

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "observability.cache.CountingRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cm"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 1,
                # Bounds each read too, so a frozen Redis (which still accepts connections)
                # costs a request a second per call rather than hanging it.
                "SOCKET_TIMEOUT": 1,
                # A Redis outage degrades to database reads instead of failing requests; login
                # throttling then counts per process (campaign.auth.rate_limit).
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # channels-redis's layer, with a receive that stops when cancelled (see the module).
            "BACKEND": "realtime.redis_layer.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": redis_db_url(REDIS_CHANNELS_DB),
                        "socket_connect_timeout": 1,
                        # A backstop for consumers' calls (publishing has its own, shorter bound:
                        # realtime.publish); longer than the layer's 5-second blocking receive.
                        "socket_timeout": 10,
                    }
                ]
            },
        }
    }
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", redis_db_url(REDIS_BROKER_DB))
    # Enqueueing follow-up work after a commit would otherwise wait on a frozen broker for as
    # long as it hangs. Workers' blocking BRPOP is not subject to socket_timeout (kombu).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
    CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
else:
    CACHES = {
        "default": {
            "BACKEND": "observability.cache.CountingLocMemCache",
            "LOCATION": "campaign-manager",
            # The default of 300 entries would evict a single list's computed fields.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
    # Without a broker server tasks run in-process, so scheduled work still happens.
    CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Auth -------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
JWT_ACCESS_TOKEN_MINUTES = int(os.environ.get("JWT_ACCESS_TOKEN_MINUTES", "15"))
JWT_REFRESH_TOKEN_DAYS = int(os.environ.get("JWT_REFRESH_TOKEN_DAYS", "7"))
# Sent by monitors in X-Health-Token to see each readiness check of /health/ (api/health.py);
# empty: only staff users signed in to the admin see them.
HEALTH_TOKEN = os.environ.get("HEALTH_TOKEN", "")
# Sent by Prometheus as `Authorization: Bearer …` to read /metrics (api/metrics.py); empty: only
# requests straight from the loopback interface may.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# --- Internationalisation and static files ----------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- Security behind a proxy ------------------------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)

# --- Logging: one structured line per record (observability/logs.py) ------------------------
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
logs.configure_structlog()
LOGGING = logs.logging_config(LOG_LEVEL, LOG_FORMAT)
# Celery workers log through LOGGING too (JSON, with the task's request id), not their own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

GRAPHENE = {
    "SCHEMA": "config.schema.schema",
    "GRAPHIQL_HEADER_EDITOR_ENABLED": True,
    # Not graphene-django's debug middleware, which DEBUG would otherwise switch on: it costs
    # every resolver a wrapper and the embedded default runs with DEBUG on.
    "MIDDLEWARE": [],
}

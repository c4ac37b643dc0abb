"""Settings shared by every environment.

The database is SQLite under ``DANGBO_DATA_DIR`` (default ``./var``) unless
``DATABASE_URL`` names another one (PostgreSQL in production).
"""

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def _flag(name: str, default: bool = False) -> bool:
    """An on/off environment variable: 1, true, yes, on (any case) mean on."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in ("1", "true", "yes", "on")


def _hours(name: str, default: float) -> int:
    """A positive number of hours from the environment, in seconds."""
    value = os.environ.get(name, "").strip().replace(",", ".") or str(default)
    try:
        hours = float(value)
    except ValueError:
        hours = 0
    if not 0 < hours <= 24 * 365:
        raise ImproperlyConfigured(f"{name}={value!r} không hợp lệ: cần một số giờ dương, ví dụ 8.")
    return int(hours * 3600)


BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("DANGBO_DATA_DIR", "var")).resolve()

# The key every development and demo installation shares; a check warns when
# it is used anywhere but the demo (dangbo.core.checks).
DEFAULT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
SECRET_KEY = os.environ.get("DANGBO_SECRET_KEY") or DEFAULT_SECRET_KEY
# Set by `dangbo demo` for itself and the processes it starts.
DANGBO_DEMO = _flag("DANGBO_DEMO")
DEBUG = _flag("DANGBO_DEBUG")
ALLOWED_HOSTS = os.environ.get("DANGBO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "dangbo.audit.apps.AuditedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "dangbo.core.third_party.AxesConfig",
    "django_tasks",
    "dangbo.core.third_party.TasksDbConfig",
    "dangbo.core",
    "dangbo.audit",
    "dangbo.organizations",
    "dangbo.regulations",
    "dangbo.members",
    "dangbo.admissions",
    "dangbo.awards",
    "dangbo.meetings",
    "dangbo.documents",
    "dangbo.accounts",
    "dangbo.deadlines",
    "dangbo.indicators",
    "dangbo.quality",
    "dangbo.imports",
    "dangbo.exchange",
    "dangbo.backup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dangbo.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session's, so that its response pass runs first and the session is saved.
    "dangbo.core.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "dangbo.audit.services.RefusalsMiddleware",
    # Last, so its process_exception sees a view's error first: a lock → 503.
    "dangbo.core.busy.BusyMiddleware",
]

ROOT_URLCONF = "dangbo.config.urls"
WSGI_APPLICATION = "dangbo.config.wsgi.application"

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
            ],
            "builtins": ["dangbo.core.templatetags.vn"],
        },
    }
]


def postgresql_options(db: dict, work_mem: str = "") -> dict:
    """Add dangbo's session settings to a PostgreSQL connection (``-c`` startup options).

    ``jit=off``: on the 30.000-member demo JIT compiled the big grouped scans for longer
    than they ran (the whole indicator set 4,0 s with JIT, 2,3 s without; the deadline
    radar 3,0 s and 0,58 s), and at 500.000 members it cost 17,1 s against 14,7 s.
    ``work_mem`` stays the server's (no sort or hash spilled to disk at 30.000 members,
    and 16 or 64 MB changed nothing); ``DANGBO_PG_WORK_MEM`` (e.g. ``32MB``) raises it for
    an installation whose ``pg_stat_database.temp_files`` grows. Options already in the
    URL come first and are kept.
    """
    if db.get("ENGINE") != "django.db.backends.postgresql":
        return db
    wanted = "-c jit=off" + (f" -c work_mem={work_mem}" if work_mem else "")
    options = db.setdefault("OPTIONS", {})
    options["options"] = f"{options['options']} {wanted}" if options.get("options") else wanted
    return db


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        work_mem = os.environ.get("DANGBO_PG_WORK_MEM", "").strip()
        if work_mem and not re.fullmatch(r"\d+(kB|MB|GB)", work_mem):
            raise ImproperlyConfigured(
                f"DANGBO_PG_WORK_MEM «{work_mem}» không hợp lệ: dùng dạng 32MB (kB, MB hoặc GB)."
            )
        return postgresql_options(dj_database_url.parse(url, conn_max_age=60), work_mem)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "dangbo.sqlite3"),
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failures (django-axes): 5 failures lock the
# username for 30 minutes, from any address; 5 failures from one address
# (whatever the usernames tried) lock that address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "dangbo.core.middleware.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["dangbo.core.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A session ends after this many hours without a request; activity starts the
# count again (core.middleware.SlidingSessionMiddleware writes the session at most
# once every SESSION_REFRESH_SECONDS, not on every request).
SESSION_COOKIE_AGE = _hours("DANGBO_SESSION_HOURS", 8)
SESSION_REFRESH_SECONDS = 300
# An exchange workbook holds the whole subtree's personal data: its file is removed this many
# hours after the export finished (the export's record stays; export again when needed).
DANGBO_EXPORT_KEEP_SECONDS = _hours("DANGBO_EXPORT_KEEP_HOURS", 7 * 24)
# An uploaded import file holds personal data too: it is removed this many hours after its import
# ended (done, failed, cancelled); the job's record, results and findings stay.
DANGBO_IMPORT_KEEP_SECONDS = _hours("DANGBO_IMPORT_KEEP_HOURS", 7 * 24)

# Behind TLS (DANGBO_HTTPS=1): cookies only over HTTPS, HTTP redirected,
# browsers told to use HTTPS only (HSTS). dangbo itself speaks plain HTTP
# (waitress); the reverse proxy that ends TLS says so in X-Forwarded-Proto
# and gives the client address in X-Forwarded-For (DANGBO_BEHIND_PROXY,
# on by default with DANGBO_HTTPS).
DANGBO_HTTPS = _flag("DANGBO_HTTPS")
DANGBO_BEHIND_PROXY = _flag("DANGBO_BEHIND_PROXY", default=DANGBO_HTTPS)
SESSION_COOKIE_SECURE = DANGBO_HTTPS
CSRF_COOKIE_SECURE = DANGBO_HTTPS
SECURE_SSL_REDIRECT = DANGBO_HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DANGBO_HSTS_SECONDS", "31536000")) if DANGBO_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = DANGBO_HTTPS and _flag("DANGBO_HSTS_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = DANGBO_HTTPS and _flag("DANGBO_HSTS_PRELOAD", default=True)
if DANGBO_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (dangbo.core.middleware): scripts, styles, images
# and fonts from the application only; no inline script or style, no eval.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Shared by the web server and the task worker (separate processes):
    # the progress of a background import is written here while its
    # transaction is still open.
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "progress"),
        "TIMEOUT": 7 * 24 * 3600,
    },
}

# Background work (long imports) through Django's tasks API (django-tasks
# backport); the database backend needs no other service, and `dangbo serve`
# starts its worker beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Uploaded files (imports) are kept here, outside the static files.
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media-not-served/"
# An upload larger than this is refused before it is read.
DANGBO_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Static files are served by the application itself (offices are often
# offline; no CDN): whitenoise serves them straight from the apps' folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# The radar reads the deadlines stored when the facts are written (dangbo.deadlines.store).
DANGBO_DEADLINE_STORE = _flag("DANGBO_DEADLINE_STORE", default=True)

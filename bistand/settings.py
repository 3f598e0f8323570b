"""Django settings for Bistånd.

Everything that differs between machines comes from the environment:

- ``DATABASE_URL``: ``sqlite:///path`` or ``postgres://user@host:port/db`` (see ``bistand.dburl``);
  without it, SQLite at ``<repo>/var/bistand.sqlite3``.
- ``BISTAND_SECRET_KEY``: without it, a key is made once and kept in ``var/secret_key`` (0600).
- ``BISTAND_DEBUG``: ``1`` turns DEBUG on (``make run`` does); anything else leaves it off.
- ``BISTAND_ALLOWED_HOSTS``: comma-separated hosts added to 127.0.0.1 and localhost.
- ``BISTAND_HTTPS``: ``1`` when served over HTTPS: secure cookies, HSTS, redirect to HTTPS.
- ``BISTAND_LOG_LEVEL``: default INFO.
- ``BISTAND_VAR_DIR``: where local state lives; default ``<repo>/var``.
"""

from __future__ import annotations

import os
from pathlib import Path

from bistand.dburl import parse_database_url
from bistand.logconfig import configure_structlog, logging_dict
from bistand.secretkey import load_or_create_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BISTAND_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "") == "1"


DEBUG = _env_flag("BISTAND_DEBUG")

SECRET_KEY = os.environ.get("BISTAND_SECRET_KEY") or load_or_create_secret_key(
    VAR_DIR / "secret_key"
)

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"] + [
    host.strip() for host in os.environ.get("BISTAND_ALLOWED_HOSTS", "").split(",") if host.strip()
]

# --- Applications -------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "django_tasks",
    "django_tasks_db",  # app label: django_tasks_database
    "bistand.core",
    "bistand.audit",
    "bistand.connectors",
    "bistand.cases",
    "bistand.robot",
    "bistand.decisions",
    "bistand.payments",
    "bistand.followup",
    "bistand.letters",
    "bistand.staff",
    "bistand.workspace",
    "bistand.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "bistand.urls"
WSGI_APPLICATION = "bistand.wsgi.application"

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

# --- Database -----------------------------------------------------------------------------

DATABASES = {
    "default": parse_database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'bistand.sqlite3'}",
        base_dir=BASE_DIR,
    )
}
# The test database's name (scripts/test.sh sets it). On PostgreSQL it keeps concurrent test
# runs against one server apart (otherwise each would drop the other's test_<name>); on SQLite
# it makes the test database a file, opened with the same options as the real one, instead of
# Django's default in-memory database.
# Keep connections open between requests and tasks: the worker would otherwise close and reopen
# its connection around every task (on SQLite each close also checkpoints the WAL).
DATABASES["default"].setdefault("CONN_MAX_AGE", 600)
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if os.environ.get("BISTAND_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["BISTAND_TEST_DB_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks (django-tasks backport + its database backend, no broker) ------------
# Run the worker with `bistand db_worker`. On Django 6 the same API is django.tasks.

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Authentication -----------------------------------------------------------------------

# Register sources (SSBTEK). "simulator" talks HTTP to `bistand simulator`; "ssbtek" is the
# production adapter (a documented stub until a municipality has its certificate).
REGISTER_GATEWAY = os.environ.get("BISTAND_REGISTER_GATEWAY", "simulator")
REGISTER_SIMULATOR_URL = os.environ.get("BISTAND_REGISTER_SIMULATOR_URL", "http://127.0.0.1:8001")
REGISTER_TIMEOUT_SECONDS = float(os.environ.get("BISTAND_REGISTER_TIMEOUT", "2.0"))
REGISTER_ATTEMPTS = int(os.environ.get("BISTAND_REGISTER_ATTEMPTS", "3"))

# The robot: an application stuck "under automatisk handläggning" longer than this (a worker
# died) is taken up again by the next worker.
ROBOT_LEASE_SECONDS = float(os.environ.get("BISTAND_ROBOT_LEASE_SECONDS", "120"))


AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time --------------------------------------------------------------------

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static files (vendored, never from a CDN) ----------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"

# --- Security -----------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

if _env_flag("BISTAND_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# --- Logging ------------------------------------------------------------------------------

configure_structlog()
LOGGING = logging_dict(os.environ.get("BISTAND_LOG_LEVEL", "INFO").upper())

"""Django settings for Bistånd.

Everything that differs between machines comes from the environment:

- ``DATABASE_URL``: ``sqlite:///path`` or ``postgres://user@host:port/db`` (see ``bistand.dburl``);
  without it, SQLite at ``<repo>/var/bistand.sqlite3``.
- ``BISTAND_SECRET_KEY``: without it, a key is made once and kept in ``var/secret_key`` (0600).
- ``BISTAND_DEBUG``: ``1`` turns DEBUG on (``make run`` does); anything else leaves it off.
- ``BISTAND_ALLOWED_HOSTS``: comma-separated hosts added to 127.0.0.1 and localhost.
- ``BISTAND_HTTPS``: ``1`` when served over HTTPS through a TLS-terminating proxy: trusted proxy
  header, secure cookies, HSTS, redirect to HTTPS; see "Production" below and
  docs/operations.md (``BISTAND_PROXY_SSL_HEADER``, ``BISTAND_SSL_REDIRECT``,
  ``BISTAND_HSTS_SECONDS``, ``BISTAND_HSTS_INCLUDE_SUBDOMAINS``, ``BISTAND_HSTS_PRELOAD``).
- ``BISTAND_CSRF_TRUSTED_ORIGINS``: comma-separated origins (``https://host``) trusted for forms.
- ``BISTAND_LOG_LEVEL``: default INFO.
- ``BISTAND_VAR_DIR``: where local state lives; default ``<repo>/var``.
- ``BISTAND_SESSION_HOURS``: how long a staff login lasts at most; default 8.
- ``BISTAND_LOGIN_FAILURE_LIMIT``, ``BISTAND_LOGIN_COOLOFF_MINUTES``: failed password logins
  before a username is locked out from that address, and for how long; default 5 and 15.
- ``BISTAND_PROXY_COUNT``: reverse proxies in front of the app (for the client address that
  the login lockout counts by); default none.
- ``BISTAND_STAFF_OIDC_*``: staff login with the municipality's identity provider (OpenID
  Connect), see "Staff login" below and docs/security.md.
- ``BISTAND_EID_OIDC_*``: applicants' login with e-legitimation through an e-ID broker (OpenID
  Connect), see "Applicant login" below and docs/eservice.md.
- ``BISTAND_STATIC_ROOT``: where ``collectstatic`` puts the static files; default
  ``var/static`` (``var/`` is private to the server's user: see docs/operations.md).
- ``BISTAND_CSP_FORM_ACTION``: more origins that forms may be sent to (comma-separated), see
  "Security headers" below.
- ``BISTAND_METRICS_TOKEN``, ``BISTAND_ROBOT_HEARTBEAT_*``, ``BISTAND_HEALTH_*``,
  ``BISTAND_LOG_FORMAT``: health checks, metrics and logs, see "Health, metrics and logs"
  below and docs/monitoring.md.
- ``BISTAND_PARAMETER_LEAD_DAYS``: how many days before 1 January administrators are warned
  that next year's riksnorm is missing; default 31 (from 1 December).
"""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from whitenoise.compress import Compressor

from bistand.core.private import private_dir, private_file
from bistand.dburl import parse_database_url
from bistand.logconfig import configure_structlog, logging_dict
from bistand.secretkey import load_or_create_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BISTAND_VAR_DIR") or BASE_DIR / "var")
# Personal data lives under var/ (the database, payment files, attachments): the server's user
# only (0700; files 0600, docs/operations.md).
private_dir(VAR_DIR)


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
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served from our static files, no CDN
    "axes",
    "mozilla_django_oidc",
    "bistand.core",
    "bistand.audit",
    "bistand.connectors",
    "bistand.cases",
    "bistand.robot",
    "bistand.decisions",
    "bistand.payments",
    "bistand.followup",
    "bistand.outcomes",  # periods, avslut, försörjningshinder (issue 14)
    "bistand.statistics",  # the monthly delivery to Socialstyrelsen (issue 14)
    "bistand.kommunicering",  # issue 12
    "bistand.appeals",  # issue 12
    "bistand.urgent",  # issue 12
    "bistand.underrattelse",  # issue 12
    "bistand.planning",  # issue 13
    "bistand.notifications",  # issue 13
    "bistand.aktivitetskrav",  # issue 13
    "bistand.af_exchange",  # issue 13
    "bistand.letters",
    "bistand.staff",
    "bistand.parameters",
    "bistand.workspace",
    "bistand.eservice",
    "bistand.api",
    "bistand.ops",  # health checks, metrics, robot worker heartbeats
    "bistand.backup",
]

MIDDLEWARE = [
    # Outermost: a request id in every log line and response; requests counted and timed.
    "bistand.core.middleware.RequestIdMiddleware",
    "bistand.core.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (production): served from STATIC_ROOT before anything else runs.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outermost after security: every response (errors and lockouts too) gets the
    # Content-Security-Policy and, unless it is a static file, Cache-Control: no-store.
    "bistand.core.csp.CSPMiddleware",
    "bistand.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Swedish unless the visitor chose English with the language form (a cookie).
    "bistand.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A staff page asked for with a personnummer in its address is not served (access logs).
    "bistand.core.middleware.PersonnummerInQueryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a lockout (too many failed logins) into the Swedish lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bistand.urls"
WSGI_APPLICATION = "bistand.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of Django's admin templates (without inline styles, for the CSP).
        "DIRS": [BASE_DIR / "bistand" / "core" / "templates_override"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bistand.eservice.context.applicant",
                "bistand.parameters.context.parameter_warnings",
                "bistand.statistics.context.statistics_reminder",
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
if (
    DATABASES["default"]["ENGINE"].endswith("sqlite3")
    and DATABASES["default"]["NAME"] != ":memory:"
):
    # Made 0600 before SQLite opens it: its -wal and -shm files take the database's mode.
    # Left to SQLite to report if the folder cannot be written.
    _sqlite = Path(DATABASES["default"]["NAME"])
    with contextlib.suppress(OSError):
        if not _sqlite.exists():
            private_dir(_sqlite.parent)
        private_file(_sqlite)
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

# --- Register sources and the robot -----------------------------------------------------

# Register sources (SSBTEK). "simulator" talks HTTP to `bistand simulator`; "ssbtek" is the
# production adapter (a documented stub until a municipality has its certificate).
REGISTER_GATEWAY = os.environ.get("BISTAND_REGISTER_GATEWAY", "simulator")
REGISTER_SIMULATOR_URL = os.environ.get("BISTAND_REGISTER_SIMULATOR_URL", "http://127.0.0.1:8001")
REGISTER_TIMEOUT_SECONDS = float(os.environ.get("BISTAND_REGISTER_TIMEOUT", "2.0"))
REGISTER_ATTEMPTS = int(os.environ.get("BISTAND_REGISTER_ATTEMPTS", "3"))
# How many persons' registers one robot worker asks at the same time (its batches: the answers
# of one arrive while another's are awaited). 1 asks one at a time.
REGISTER_CONCURRENCY = max(1, int(os.environ.get("BISTAND_REGISTER_CONCURRENCY", "8")))

# The exchange with Arbetsförmedlingen under the aktivitetskrav (docs/af_exchange.md): the
# adapter ("simulator" or "production"), sending attempts and their first wait, the poll interval.
AF_EXCHANGE_GATEWAY = os.environ.get("BISTAND_AF_EXCHANGE_GATEWAY", "simulator")
AF_EXCHANGE_MAX_ATTEMPTS = int(os.environ.get("BISTAND_AF_EXCHANGE_MAX_ATTEMPTS", "4"))
AF_EXCHANGE_RETRY_SECONDS = float(os.environ.get("BISTAND_AF_EXCHANGE_RETRY_SECONDS", "60"))
AF_EXCHANGE_POLL_SECONDS = float(os.environ.get("BISTAND_AF_EXCHANGE_POLL_SECONDS", "300"))

# The robot: an application stuck "under automatisk handläggning" longer than this (a worker
# died) is taken up again by the next worker.
ROBOT_LEASE_SECONDS = float(os.environ.get("BISTAND_ROBOT_LEASE_SECONDS", "120"))
# How many queued applications a robot worker takes at once (robot/tasks.py run_batch).
ROBOT_BATCH_SIZE = max(1, int(os.environ.get("BISTAND_ROBOT_BATCH_SIZE", "50")))
# Runs of one application in a round (failed or killed) before the robot hands it to a
# caseworker with a flag (bistand/robot/handover.py); a fault no rerun mends goes at once.
ROBOT_MAX_ATTEMPTS = int(os.environ.get("BISTAND_ROBOT_MAX_ATTEMPTS", "3"))

# Parameter readiness (bistand/parameters): from this many days before 1 January, the
# administrators' pages and the worker's log warn when next year's riksnorm is not entered.
PARAMETER_LEAD_DAYS = int(os.environ.get("BISTAND_PARAMETER_LEAD_DAYS", "31"))


# --- Staff login ---------------------------------------------------------------------------
# Two ways in (docs/security.md):
# * Django's own login form at /konto/logga-in/ (development, demo, and production without an
#   identity provider), guarded against guessing by django-axes;
# * OpenID Connect against the municipality's identity provider (mozilla-django-oidc), when
#   BISTAND_STAFF_OIDC_CLIENT_ID is set. Then passwords are refused everywhere (the login form
#   and the admin's), unless DEBUG is on.


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


STAFF_OIDC_ENABLED = bool(_env("BISTAND_STAFF_OIDC_CLIENT_ID"))
STAFF_PASSWORD_LOGIN = DEBUG or not STAFF_OIDC_ENABLED

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    *(["bistand.staff.oidc.StaffOIDCBackend"] if STAFF_OIDC_ENABLED else []),
    *(["django.contrib.auth.backends.ModelBackend"] if STAFF_PASSWORD_LOGIN else []),
]

LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "staff:logged-out"

# A staff session lasts a working day at most and ends when the browser closes.
SESSION_COOKIE_AGE = int(float(_env("BISTAND_SESSION_HOURS", "8")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: after 5 failed logins for one username from one address, that pair is locked
# out for 15 minutes; every failure and every login is kept (admin: "Axes").
AXES_FAILURE_LIMIT = int(_env("BISTAND_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(_env("BISTAND_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_WHITELIST_CALLABLE = "bistand.staff.oidc.axes_skips_oidc"  # counts passwords only
AXES_VERBOSE = False  # the attempts are in the database; keep usernames out of the console log
AXES_IPWARE_PROXY_COUNT = int(_env("BISTAND_PROXY_COUNT")) if _env("BISTAND_PROXY_COUNT") else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# OpenID Connect (mozilla-django-oidc). The provider's endpoints are given one by one (no
# discovery at start-up: no network call before the first login). The claim that names the
# staff member (BISTAND_STAFF_OIDC_CLAIM, default "email") is matched against an existing,
# active staff account; nobody is ever created by logging in.
OIDC_RP_CLIENT_ID = _env("BISTAND_STAFF_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = _env("BISTAND_STAFF_OIDC_CLIENT_SECRET")
OIDC_OP_ISSUER = _env("BISTAND_STAFF_OIDC_ISSUER")
OIDC_OP_AUTHORIZATION_ENDPOINT = _env("BISTAND_STAFF_OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = _env("BISTAND_STAFF_OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = _env("BISTAND_STAFF_OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = _env("BISTAND_STAFF_OIDC_JWKS_ENDPOINT")
OIDC_OP_END_SESSION_ENDPOINT = _env("BISTAND_STAFF_OIDC_END_SESSION_ENDPOINT")
OIDC_RP_SIGN_ALGO = _env("BISTAND_STAFF_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = _env("BISTAND_STAFF_OIDC_SCOPES", "openid email profile")
STAFF_OIDC_CLAIM = _env("BISTAND_STAFF_OIDC_CLAIM", "email")
# "email": the claim is the user's e-mail address; "login_id": the staff profile's login id.
STAFF_OIDC_MATCH = _env(
    "BISTAND_STAFF_OIDC_MATCH", "email" if STAFF_OIDC_CLAIM == "email" else "login_id"
)
OIDC_USE_PKCE = _env("BISTAND_STAFF_OIDC_USE_PKCE", "1") == "1"
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True  # for the provider's logout (id_token_hint)
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "staff:oidc-callback"
LOGIN_REDIRECT_URL_FAILURE = "/konto/logga-in/?fel=oidc"

# --- Applicant login (e-legitimation) ------------------------------------------------------
# Applicants log in with BankID or Freja through the municipality's e-ID broker over OpenID
# Connect (bistand/eservice/eid.py). The personnummer comes from the ID token's claim
# BISTAND_EID_OIDC_CLAIM. The endpoints are read from the issuer's discovery document at the
# first login. An applicant is not a Django user: the session holds the person, for at most
# EID_SESSION_MAX_MINUTES and EID_SESSION_IDLE_MINUTES without a request. `make run` points
# these at a local OIDC provider with test identities (oidc-provider-mock, scripts/run.sh).
# The municipality whose e-service this is (its code); a first application opens its case there.
MUNICIPALITY_CODE = _env("BISTAND_MUNICIPALITY", "exempelkommun")
EID_OIDC_ISSUER = _env("BISTAND_EID_OIDC_ISSUER").rstrip("/")
EID_OIDC_CLIENT_ID = _env("BISTAND_EID_OIDC_CLIENT_ID")
EID_OIDC_CLIENT_SECRET = _env("BISTAND_EID_OIDC_CLIENT_SECRET")
EID_OIDC_SCOPES = _env("BISTAND_EID_OIDC_SCOPES", "openid profile")
EID_OIDC_SIGN_ALGO = _env("BISTAND_EID_OIDC_SIGN_ALGO", "RS256")
# Svensk e-legitimation's OIDC profile names it "https://id.oidc.se/claim/personalIdentityNumber".
EID_OIDC_CLAIM = _env("BISTAND_EID_OIDC_CLAIM", "personal_identity_number")
EID_SESSION_IDLE_MINUTES = int(_env("BISTAND_EID_SESSION_IDLE_MINUTES", "30"))
EID_SESSION_MAX_MINUTES = int(_env("BISTAND_EID_SESSION_MAX_MINUTES", "240"))
# Signing asks for a login this recent (the signer proves again that it is them).
EID_SIGN_WITHIN_MINUTES = int(_env("BISTAND_EID_SIGN_WITHIN_MINUTES", "15"))

# Co-signing: the partner has this many days to sign; a reminder after COSIGN_REMIND_DAYS.
COSIGN_EXPIRY_DAYS = int(_env("BISTAND_COSIGN_EXPIRY_DAYS", "14"))
COSIGN_REMIND_DAYS = int(_env("BISTAND_COSIGN_REMIND_DAYS", "3"))

# Attachments: stored outside the web root, served only through an access-checked view.
ATTACHMENT_ROOT = Path(_env("BISTAND_ATTACHMENT_ROOT") or VAR_DIR / "attachments")
ATTACHMENT_MAX_BYTES = int(_env("BISTAND_ATTACHMENT_MAX_MB", "10")) * 1024 * 1024
ATTACHMENTS_PER_APPLICATION = 20
# An upload being received is kept in memory up to 2.5 MB, beyond that in a temporary file:
# in a private folder beside the attachments (0700, files 0600), never the system's /tmp, and
# removed when the request ends; the worker's housekeeping removes what a killed server left
# (bistand/core/uploads.py).
FILE_UPLOAD_TEMP_DIR = str(ATTACHMENT_ROOT / ".uploads")
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "bistand.core.uploads.PrivateTemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- REST API (docs/api.md) ---------------------------------------------------------------

REST_FRAMEWORK = {
    # The browser's session (and its CSRF token); no API tokens yet.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["bistand.api.permissions.StaffWithRole"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "bistand.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Bistånd API",
    "DESCRIPTION": (
        "Läsgränssnitt till Bistånd: ärenden, ansökningar, beslut och utbetalningar. "
        "Samma behörigheter som i handläggningen: bara personal med en roll, bara ärenden "
        "som användaren får se, och varje läsning av ett enskilt ärende loggas. "
        "Belopp anges både i öre (heltal) och i kronor (text med två decimaler)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI would otherwise send the schema to validator.swagger.io for a badge.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStateEnum": "bistand.cases.models.State",
        "MembershipBasisEnum": "bistand.cases.models.MembershipBasis",
        # Several apps name a field "status" or "channel" with choices of their own.
        "AppealStatusEnum": "bistand.appeals.models.AppealStatus",
        "AppealChannelEnum": "bistand.appeals.models.AppealChannel",
        "DeliveryChannelEnum": "bistand.appeals.models.Channel",
        "UrgentStatusEnum": "bistand.urgent.models.Status",
        "UrgentChannelEnum": "bistand.urgent.models.Channel",
    },
}

# --- Language and time --------------------------------------------------------------------

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "bistand" / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static files (vendored, never from a CDN) ----------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(_env("BISTAND_STATIC_ROOT") or VAR_DIR / "static")

# --- Security -----------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"


# Content-Security-Policy (django-csp) on every page: only our own scripts, styles, images and
# fonts (vendored static files, no inline script or style), no framing, and forms only to
# ourselves, plus the identity providers a logout form is redirected to (added per response
# by bistand.core.csp, from EID_OIDC_ISSUER and OIDC_OP_END_SESSION_ENDPOINT) and any origin in
# BISTAND_CSP_FORM_ACTION. Pages that need more say so themselves: the API documentation
# (bistand/api/urls.py); attachment downloads and the decision letter set stricter ones.
_FORM_ACTION_EXTRA = [o.strip() for o in _env("BISTAND_CSP_FORM_ACTION").split(",") if o.strip()]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *_FORM_ACTION_EXTRA],
    }
}

# --- Production: gunicorn behind a TLS-terminating reverse proxy (docs/operations.md) -------
# `bistand serve` runs gunicorn (bistand/core/gunicorn_conf.py); WhiteNoise (in MIDDLEWARE)
# serves the static files that `collectstatic` put in STATIC_ROOT, under hashed, compressed
# names, cached for ever (the name changes with the content).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise's CompressedManifestStaticFilesStorage; the files' own names where nothing
    # has been collected (bistand/core/staticfiles.py).
    "staticfiles": {"BACKEND": "bistand.core.staticfiles.StaticFilesStorage"},
}
# Only the hashed copies are kept (templates ask for them by their hashed names), and source
# maps are not compressed: halves what collectstatic compresses.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
with contextlib.suppress(OSError):  # WhiteNoise warns at start-up about a missing folder
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map", "ttf"]
# BISTAND_HTTPS=1: the site is reached over https through a proxy that terminates TLS and says
# so in a header it sets itself, overwriting what the client sent (BISTAND_PROXY_SSL_HEADER,
# default X-Forwarded-Proto: https). Then cookies are sent over https only, browsers are told
# to use https only (HSTS, BISTAND_HSTS_SECONDS) and a plain-http request is redirected
# (BISTAND_SSL_REDIRECT=0 leaves that to the proxy), except the load balancer's /health.
HTTPS = _env_flag("BISTAND_HTTPS")
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in _env("BISTAND_CSRF_TRUSTED_ORIGINS").split(",") if origin.strip()
]
if HTTPS:
    _ssl_header = _env("BISTAND_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _ssl_header.upper().replace("-", "_"), "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env("BISTAND_SSL_REDIRECT", "1") == "1"
    SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
    SECURE_HSTS_SECONDS = int(_env("BISTAND_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env("BISTAND_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = _env_flag("BISTAND_HSTS_PRELOAD")
# Preloading HSTS is a decision for the municipality's whole domain (hstspreload.org takes
# only the registered domain), not for this application: BISTAND_HSTS_PRELOAD=1 if it is made.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# `bistand check --deploy` (bistand/core/checks.py) refuses the register simulator in production
# unless this says it is a test or pilot installation.
REGISTER_SIMULATOR_ALLOWED = _env_flag("BISTAND_REGISTER_SIMULATOR_ALLOWED")

# --- Health, metrics and logs (bistand/ops, docs/monitoring.md) --------------------------
# /health/live and /health/ready for a load balancer; /metrics for Prometheus, answered on
# loopback (no proxy in between) or with "Authorization: Bearer $BISTAND_METRICS_TOKEN".
METRICS_TOKEN = _env("BISTAND_METRICS_TOKEN")
# Robot outcomes, failures and unknown register answers per minute are averaged over this.
METRICS_WINDOW_MINUTES = float(_env("BISTAND_METRICS_WINDOW_MINUTES", "5"))
# A robot worker writes its heartbeat at most this often, and counts as stopped without one
# for ROBOT_HEARTBEAT_LIMIT_SECONDS.
ROBOT_HEARTBEAT_SECONDS = float(_env("BISTAND_ROBOT_HEARTBEAT_SECONDS", "10"))
ROBOT_HEARTBEAT_LIMIT_SECONDS = float(_env("BISTAND_ROBOT_HEARTBEAT_LIMIT_SECONDS", "120"))
# /health/ready's checks of the register gateway and the e-ID issuer: time allowed, and how
# long an answer is reused (a load balancer polling often does not load the registers).
HEALTH_TIMEOUT_SECONDS = float(_env("BISTAND_HEALTH_TIMEOUT_SECONDS", "1"))
HEALTH_CACHE_SECONDS = float(_env("BISTAND_HEALTH_CACHE_SECONDS", "15"))
# "json": one JSON object per line (production); "console": readable lines (DEBUG's default).
LOG_FORMAT = _env("BISTAND_LOG_FORMAT", "console" if DEBUG else "json")

# --- Logging ------------------------------------------------------------------------------

configure_structlog()
LOGGING = logging_dict(os.environ.get("BISTAND_LOG_LEVEL", "INFO").upper(), LOG_FORMAT)

"""Django settings for Improvement Office.

Production differs from development only through environment variables (one ``env`` object).
"""

import datetime as dt
import sys
import tempfile
import warnings
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "[::1]"]),
    SECURE=(bool, False),
)

DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if env.bool("PRODUCTION", default=False):
        raise environ.ImproperlyConfigured("SECRET_KEY must be set in production")
    # Development and tests only: a fixed key is acceptable because PRODUCTION is not set.
    SECRET_KEY = "dev-only-insecure-key-set-SECRET_KEY-in-production"  # noqa: S105
# The demand room's pseudonyms of children (HMAC-SHA256 of CHILD, improve/demand/pseudonym.py).
DEMAND_PSEUDONYM_KEY = env("IMPROVE_PSEUDONYM_KEY", default="")
if not DEMAND_PSEUDONYM_KEY:
    if env.bool("PRODUCTION", default=False):
        raise environ.ImproperlyConfigured("IMPROVE_PSEUDONYM_KEY must be set in production")
    DEMAND_PSEUDONYM_KEY = "dev-only-pseudonym-key-set-IMPROVE_PSEUDONYM_KEY-in-production"
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "improve.core",
    "improve.accounts",
    "improve.programmes",
    "improve.raid",
    "improve.governance",
    "improve.finance",
    "improve.reporting",
    "improve.demand",
    "improve.interchange",
    "improve.interchange.api",
    "drf_spectacular",
]

# The test suite adds a room that exists only there: it proves that a room plugs in untouched.
TESTING = "pytest" in sys.modules
if TESTING:
    INSTALLED_APPS.append("improve.tests_room")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a locked-out sign-in into the sign-in page with the lockout message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "improve.urls"
WSGI_APPLICATION = "improve.wsgi.application"

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
            "builtins": ["improve.core.templatetags.uk"],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{REPO_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent writers on SQLite (decision record 0012): they wait for each other, never fail with
    # "database is locked". The write-ahead log lets pages be read while a save is written; a write
    # transaction takes the write lock at BEGIN (IMMEDIATE), so two saves never both read and then
    # deadlock trying to write, which SQLite answers at once with "locked" whatever the timeout;
    # and a writer waits up to 20 s for the lock.
    _sqlite = DATABASES["default"].setdefault("OPTIONS", {})
    _sqlite.setdefault("timeout", 20)
    _sqlite.setdefault("transaction_mode", "IMMEDIATE")
    _sqlite.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
#: The model of a programme, which rooms on the programme room's floor (demand) refer to by this
#: setting rather than by import, as every room refers to the user model (``Programme.Meta.swappable``)
IMPROVE_PROGRAMME_MODEL = "programmes.Programme"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in before the password is tried
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A reset link works once, for a day (Django's default is three).
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
LOGIN_URL = "accounts:login"

# Sign-in lockout (django-axes, decision record 0011): five wrong passwords for one e-mail address
# from one client address lock that pair for 30 minutes; signing in clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "improve.accounts.lockout.username"
AXES_CLIENT_IP_CALLABLE = "improve.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "improve.accounts.lockout.locked_out"
AXES_ENABLE_ADMIN = False
AXES_HTTP_RESPONSE_CODE = 429  # Too Many Requests
# Reverse proxies in front of the app that append the caller to X-Forwarded-For (0: none).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
LOGIN_REDIRECT_URL = "programmes:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATIC_ROOT = REPO_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]  # vendor/ holds the files `make install-assets` copies from npm
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Until `improve collectstatic` has run, files come from the finders; WhiteNoise need not warn.
warnings.filterwarnings("ignore", message="No directory at: ", category=UserWarning)
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded workbooks are read in memory; 20 MB is far above a real programme's workbook.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# An uploaded workbook waits here, in a file of its own, until the user confirms its preview.
INTERCHANGE_UPLOAD_DIR = Path(
    env("INTERCHANGE_UPLOAD_DIR", default=str(Path(tempfile.gettempdir()) / "improve-uploads"))
)

# Uploaded files kept by the product (evidence of delivered savings): never served as static files,
# only through a page that checks the member may see them. No MEDIA_URL on purpose.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(REPO_DIR / "media")))

# Mail (password reset links). By default it is printed on the console, which is what the demo shows.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Improvement Office <improvement-office@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if env("SECURE"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The read API (Django REST framework, its schema by drf-spectacular; decision record 0027). Each API
# view names its own authentication and renderers; these are the defaults the schema reads.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "improve.interchange.api.authentication.BearerTokenAuthentication",
        "improve.interchange.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Improvement Office read API",
    "DESCRIPTION": "Every register of a programme (each sheet of the programme workbook) as JSON or CSV. "
    "Send a personal API token as 'Authorization: Bearer <token>'. Read-only.",
    "VERSION": "1",
    "DEFAULT_GENERATOR_CLASS": "improve.interchange.api.schema.RegistrySchemaGenerator",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "POSTPROCESSING_HOOKS": [],  # each column's choices stay in its register's schema
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

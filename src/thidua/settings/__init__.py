"""Django settings for thidua.

Everything a deployment changes comes from the environment, so the same code
runs the zero-setup SQLite demo (`make run`) and a PostgreSQL production:

- ``DATABASE_URL``   sqlite:///path or postgres://user@host/db (default: SQLite in THIDUA_DATA_DIR)
- ``THIDUA_DATA_DIR`` where the SQLite file, uploads and the secret key live (default ./var)
- ``THIDUA_DEBUG``    "1" for development error pages
- ``THIDUA_ALLOWED_HOSTS`` comma separated (default 127.0.0.1,localhost)
- ``THIDUA_SECRET_KEY`` (default: generated once into THIDUA_DATA_DIR/secret_key)
- ``THIDUA_IMPORT_MAX_BYTES`` largest accepted upload for imports (default 20 MiB)
- ``THIDUA_TASKS_IMMEDIATE`` "1" to run background tasks inline (tests, CLI)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("THIDUA_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Read the key from the environment, else keep one generated key per data dir."""
    if key := os.environ.get("THIDUA_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("THIDUA_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("THIDUA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("THIDUA_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
    "thidua.core",
    "thidua.directory",
    "thidua.accounts",
    "thidua.awards",
    "thidua.movements",
    "thidua.nominations",
    "thidua.council",
    "thidua.decisions",
    "thidua.contests",
    "thidua.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "thidua.core.middleware.OriginMiddleware",
]

ROOT_URLCONF = "thidua.urls"
WSGI_APPLICATION = "thidua.wsgi.application"

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
                "thidua.core.context_processors.site",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'thidua.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while the import task writes; IMMEDIATE avoids
    # "database is locked" upgrades when two requests write at once.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("THIDUA_TEST_SQLITE") or None}
# Reports may read from a replica (a PostgreSQL hot standby): only the reads made
# while computing a report go there (thidua.reports.routers); it is never migrated.
if os.environ.get("REPORTS_DATABASE_URL"):
    DATABASES["reports"] = dj_database_url.parse(os.environ["REPORTS_DATABASE_URL"], conn_max_age=60)
    DATABASES["reports"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["thidua.reports.routers.ReportsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first. Our own format module fixes Django's `vi` formats
# (04/08/2022 means 4 August; 26461 shows as 26.461).
LANGUAGE_CODE = "vi"
# Vietnamese only until the strings are translated: with "en" listed, LocaleMiddleware
# gave an English-language browser Vietnamese words with English numbers and dates
# ("25,000,000 đồng" instead of "25.000.000 đồng").
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["thidua.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves from finders; an absent root only warns
# The project-wide static files (app.css, vendored htmx) live beside the project
# templates, outside any app, so the finders must be told where.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Uploaded files never live under the web root: they are served only by views
# that check permissions.
MEDIA_ROOT = DATA_DIR / "private"
MEDIA_URL = "/_private/"  # never routed: files are served only by permission-checking views

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
THIDUA_IMPORT_MAX_BYTES = int(os.environ.get("THIDUA_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# Imports with more rows than this run as a background task with a progress bar.
THIDUA_IMPORT_BACKGROUND_ROWS = int(os.environ.get("THIDUA_IMPORT_BACKGROUND_ROWS", "2000"))

TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("THIDUA_TASKS_IMMEDIATE") == "1"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# Demo data of later apps, run by `thidua demo` after the directory demo.
THIDUA_DEMO_EXTENSIONS = [
    "thidua.awards.demo.load_awards_demo",
    "thidua.movements.demo.load_movements_demo",
    "thidua.nominations.demo.load_nominations_demo",
    "thidua.council.demo.load_council_demo",
    "thidua.decisions.demo.load_decisions_demo",
    "thidua.contests.demo.load_contests_demo",
]

# Work queues ("Việc cần làm"): one provider per module, fn(user) -> [QueueSection].
THIDUA_QUEUE_PROVIDERS: list[str] = [
    "thidua.nominations.selectors.queue_sections",
    "thidua.decisions.selectors.queue_sections",
    "thidua.council.selectors.queue_sections",
]

# Attachments of dossiers (báo cáo thành tích, biên bản, minh chứng).
THIDUA_ATTACHMENT_MAX_BYTES = int(os.environ.get("THIDUA_ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))

# Public base URL printed in certificates' QR codes (…/xac-minh/<code>).
THIDUA_PUBLIC_URL = os.environ.get("THIDUA_PUBLIC_URL", "http://localhost:8000").rstrip("/")

# E-mail notices: printed on the console unless an SMTP host is set (Django 6.1 MAILERS).
_SMTP_HOST = os.environ.get("THIDUA_SMTP_HOST", "")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _SMTP_HOST,
                "port": int(os.environ.get("THIDUA_SMTP_PORT", "587")),
                "username": os.environ.get("THIDUA_SMTP_USER", ""),
                "password": os.environ.get("THIDUA_SMTP_PASSWORD", ""),
                "use_tls": os.environ.get("THIDUA_SMTP_TLS", "1") == "1",
            },
        }
        if _SMTP_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("THIDUA_MAIL_FROM", "thidua@localhost")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("THIDUA_LOG_LEVEL", "WARNING")},
}

"""Django settings: one shared configuration for the whole consortium.

Database is chosen by environment: JICHITAI_DB=postgres uses libpq variables (PGHOST, PGPORT,
PGUSER, PGPASSWORD, PGDATABASE); anything else uses the embedded SQLite file under
JICHITAI_DATA_DIR. The application role must never be a PostgreSQL superuser, or RLS is bypassed.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("JICHITAI_DATA_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("JICHITAI_SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = os.environ.get("JICHITAI_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("JICHITAI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # serves the API docs' assets locally (closed municipal networks have no CDN)
    "jichitai.tenancy",
    "jichitai.accounts",
    "jichitai.audit",
    "jichitai.registry",
    "jichitai.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jichitai.accounts.middleware.IdleTimeoutMiddleware",
    "jichitai.web.middleware.TenantContextMiddleware",
]

ROOT_URLCONF = "jichitai.urls"
WSGI_APPLICATION = "jichitai.wsgi.application"

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
                "jichitai.web.context_processors.tenant",
            ],
            "libraries": {
                "registry_tags": "jichitai.web.registry.templatetags.registry_tags",
            },
        },
    },
]

if os.environ.get("JICHITAI_DB", "sqlite") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("PGDATABASE", "jichitai"),
            "USER": os.environ.get("PGUSER", "jichitai"),
            "PASSWORD": os.environ.get("PGPASSWORD", ""),
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "CONN_MAX_AGE": 0,
            "TEST": {"NAME": os.environ.get("JICHITAI_TEST_DBNAME", "test_jichitai")},
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "jichitai.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.Staff"
AUTHENTICATION_BACKENDS = ["jichitai.accounts.backends.StaffBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LOGIN_URL = "accounts:login"

# Idle timeout: the session ends after this many seconds without a request.
JICHITAI_IDLE_TIMEOUT_SECONDS = int(os.environ.get("JICHITAI_IDLE_TIMEOUT", "900"))
JICHITAI_LOCKOUT_THRESHOLD = int(os.environ.get("JICHITAI_LOCKOUT_THRESHOLD", "5"))
JICHITAI_LOCKOUT_SECONDS = int(os.environ.get("JICHITAI_LOCKOUT_SECONDS", "1800"))
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "jichitai.web.views.csrf_failure"  # Japanese page instead of Django's English one

# WebAuthn relying party: the staff portal's host name.
JICHITAI_WEBAUTHN_RP_ID = os.environ.get("JICHITAI_WEBAUTHN_RP_ID", "localhost")
JICHITAI_WEBAUTHN_RP_NAME = "jichitai-cloud"
JICHITAI_WEBAUTHN_ORIGIN = os.environ.get("JICHITAI_WEBAUTHN_ORIGIN", "http://localhost:8000")
OTP_TOTP_ISSUER = "jichitai-cloud"

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JICHITAI_LOG_LEVEL", "WARNING")},
}

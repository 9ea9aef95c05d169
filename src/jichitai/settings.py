"""Django settings: one shared configuration for the whole consortium.

Database is chosen by environment: JICHITAI_DB=postgres uses libpq variables (PGHOST, PGPORT,
PGUSER, PGPASSWORD, PGDATABASE); anything else uses the embedded SQLite file under
JICHITAI_DATA_DIR. The application role must never be a PostgreSQL superuser, or RLS is bypassed.

Serving (docs/operations.md; every variable is listed in deploy/jichitai.env): JICHITAI_ENV=production
is the production switch; without it the settings are the demo's and the test suite's.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("JICHITAI_DATA_DIR", Path.cwd() / "var")).resolve()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in {"1", "true", "yes", "on"}


def _list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def _refuse(message_ja: str, message_en: str) -> ImproperlyConfigured:
    """A setting the server must not start without: said in both languages (docs/operations.md)."""
    return ImproperlyConfigured(f"{message_ja}\n{message_en}\n（手順 / how-to: docs/operations.md）")


# The production switch (docs/operations.md). JICHITAI_ENV=production: secure cookies, HSTS, the
# HTTPS redirect, hashed and compressed static files; refuses to start without a secret key and a
# host list. Unset (development): the demo (`jichitai demo`) and the test suite, on plain HTTP.
JICHITAI_ENV = os.environ.get("JICHITAI_ENV", "").strip() or "development"
if JICHITAI_ENV not in {"production", "development"}:
    raise _refuse(f"JICHITAI_ENV は production か development です（指定値: {JICHITAI_ENV!r}）",
                  f"JICHITAI_ENV must be production or development (got {JICHITAI_ENV!r})")
PRODUCTION = JICHITAI_ENV == "production"

SECRET_KEY = os.environ.get("JICHITAI_SECRET_KEY", "").strip()
if PRODUCTION and len(SECRET_KEY) < 50:
    raise _refuse(
        "JICHITAI_SECRET_KEY が設定されていないか短すぎます（50文字以上）。本番環境では必須です。"
        "生成: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'",
        "JICHITAI_SECRET_KEY is missing or shorter than 50 characters; production requires it. "
        "Generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'",
    )
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-change-me-in-production"  # demo and tests only
if PRODUCTION and _flag("JICHITAI_DEBUG"):
    raise _refuse("本番環境では JICHITAI_DEBUG=1 を使えません（画面に内部情報が出ます）",
                  "JICHITAI_DEBUG=1 is refused in production (it shows internals on error pages)")
DEBUG = _flag("JICHITAI_DEBUG")
ALLOWED_HOSTS = _list("JICHITAI_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise _refuse("JICHITAI_ALLOWED_HOSTS（職員が開くホスト名、カンマ区切り）を設定してください",
                  "set JICHITAI_ALLOWED_HOSTS (the host names staff open, comma-separated)")
CSRF_TRUSTED_ORIGINS = _list("JICHITAI_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",  # password-step throttling per client address + user name (docs/accounts.md)
    "ninja",  # serves the API docs' assets locally (closed municipal networks have no CDN)
    "csp",  # Content-Security-Policy (its checks catch settings in the old format)
    "jichitai.tenancy",
    "jichitai.accounts",
    "jichitai.audit",
    "jichitai.registry",
    "jichitai.certificates",
    "jichitai.seals",
    "jichitai.jobs",
    "jichitai.tax",
    "jichitai.web",
    "django_tasks",
    "django_tasks_db",  # the job queue's table (docs/operations.md "Batch jobs")
]

MIDDLEWARE = [
    # /healthz and /readyz first: a local probe needs no host name, no HTTPS and no session
    "jichitai.web.health.HealthProbeMiddleware",
    # behind the proxy (JICHITAI_BEHIND_PROXY): the client's address, before anything records it
    "jichitai.web.security.ProxiedClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jichitai.web.security.NoStoreMiddleware",  # shared terminals: no page is kept in a cache
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jichitai.accounts.middleware.IdleTimeoutMiddleware",
    "jichitai.web.middleware.TenantContextMiddleware",
    "jichitai.web.registry.workstation.WorkstationMiddleware",  # 入力場所・入力端末 ([230])
    "axes.middleware.AxesMiddleware",  # last: turns a throttled attempt into the Japanese page
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
            # persistent connections for the server (JICHITAI_DB_CONN_MAX_AGE seconds); safe with
            # RLS: the tenant settings are transaction-local (tenancy/rls.py)
            "CONN_MAX_AGE": int(os.environ.get("JICHITAI_DB_CONN_MAX_AGE", "0")),
            "CONN_HEALTH_CHECKS": True,
            "TEST": {"NAME": os.environ.get("JICHITAI_TEST_DBNAME", "test_jichitai")},
        }
    }
    # High availability (docs/operations.md "High availability (Patroni)"): PGHOST=h1,h2 and
    # PGPORT=p1,p2 list the Patroni nodes; libpq tries them in turn and keeps the one that accepts
    # writes, so after a failover the next connection finds the new leader by itself.
    if "," in DATABASES["default"]["HOST"]:
        DATABASES["default"]["OPTIONS"] = {
            "target_session_attrs": os.environ.get("PGTARGETSESSIONATTRS", "read-write"),
            "connect_timeout": int(os.environ.get("PGCONNECT_TIMEOUT", "3")),
        }
    # Two roles (docs/operations.md, tenancy/dbroles.py): the application connects as the runtime
    # role above; migrations and maintenance connect as the owner, which owns every table.
    JICHITAI_DB_OWNER = {"USER": os.environ.get("JICHITAI_DB_OWNER_USER", ""),
                         "PASSWORD": os.environ.get("JICHITAI_DB_OWNER_PASSWORD", "")}
    JICHITAI_DB_RUNTIME_ROLE = os.environ.get("JICHITAI_DB_RUNTIME_ROLE", DATABASES["default"]["USER"])
else:
    JICHITAI_DB_OWNER = {"USER": "", "PASSWORD": ""}
    JICHITAI_DB_RUNTIME_ROLE = ""
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "jichitai.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }

# Patroni REST APIs (comma-separated) for `jichitai continuity status` and /continuity/replication/.
JICHITAI_PATRONI_URLS = os.environ.get("JICHITAI_PATRONI_URLS", "")

# Batch work (chapter 9): django-tasks with its database backend; `jichitai jobs worker` runs the
# queue in its own process, never in a web worker (the counter is never slowed by a batch).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["batch"]}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.Staff"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a throttled client before any hashing
    "jichitai.accounts.backends.StaffBackend",
]
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
# No script reads the CSRF cookie: forms and htmx (hx-headers in web/base.html) take the token
# from the page. Lax, not Strict: a link from the municipality's portal must keep the session.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Production: cookies only over HTTPS, and "__Host-" names (no Domain, Path=/, Secure) so no other
# host under the same domain can set or shadow them.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-jichitai_session"
    CSRF_COOKIE_NAME = "__Host-jichitai_csrf"
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
# Production: `jichitai serve` runs collectstatic into STATIC_ROOT before gunicorn starts, and
# WhiteNoise serves the hashed, compressed copies with far-future caching. Development (demo,
# tests): WhiteNoise finds the files in the apps' static folders as they are.
STATIC_ROOT = Path(os.environ.get("JICHITAI_STATIC_ROOT", DATA_DIR / "static")).resolve()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                    if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION
WHITENOISE_KEEP_ONLY_HASHED_FILES = True  # pages name the hashed copies only ({% static %})
WHITENOISE_ALLOW_ALL_ORIGINS = False  # no other site has a reason to load our files
# Source maps are for developers' tools only: not worth compressing (minutes of brotli per start).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, never
# inline; nothing may frame the staff UI. data: images are the API docs' (Swagger UI) icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Behind nginx (deploy/nginx): JICHITAI_BEHIND_PROXY=1 trusts X-Forwarded-Proto for "is this
# HTTPS" and X-Forwarded-For for the client's address (audit, lockout), but only from the proxies
# listed in JICHITAI_TRUSTED_PROXIES (gunicorn's --forwarded-allow-ips gets the same list).
JICHITAI_BEHIND_PROXY = _flag("JICHITAI_BEHIND_PROXY")
JICHITAI_TRUSTED_PROXIES = _list("JICHITAI_TRUSTED_PROXIES", "127.0.0.1,::1")
try:
    [ipaddress.ip_network(p) for p in JICHITAI_TRUSTED_PROXIES]
except ValueError as exc:
    raise _refuse(f"JICHITAI_TRUSTED_PROXIES はアドレスかネットワークの一覧です（{exc}）",
                  f"JICHITAI_TRUSTED_PROXIES must list addresses or networks ({exc})") from None
if JICHITAI_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Production: HTTPS only. HSTS one year by default, subdomains included (JICHITAI_HSTS_SECONDS,
# JICHITAI_HSTS_INCLUDE_SUBDOMAINS); not preloaded: LG-WAN host names are not on browsers' list.
SECURE_SSL_REDIRECT = PRODUCTION and _flag("JICHITAI_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("JICHITAI_HSTS_SECONDS", "31536000")) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("JICHITAI_HSTS_INCLUDE_SUBDOMAINS", True)
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload: see above

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JICHITAI_LOG_LEVEL", "WARNING")},
}

# ---- accounts: password-step throttling, second-factor lock, re-authentication ----------------
# (docs/accounts.md "Throttling and lockout"). The password step is throttled per client address +
# user name by django-axes, never per account alone: a stranger can only slow down their own
# address. The address is REMOTE_ADDR, which JICHITAI_BEHIND_PROXY (above) rewrites from the
# proxy's header for trusted proxies only. Wrong second factors (only a password holder gets that
# far) lock the account's second factor: JICHITAI_LOCKOUT_THRESHOLD / JICHITAI_LOCKOUT_SECONDS.
JICHITAI_THROTTLE_LIMIT = int(os.environ.get("JICHITAI_THROTTLE_LIMIT", "5"))
JICHITAI_THROTTLE_SECONDS = int(os.environ.get("JICHITAI_THROTTLE_SECONDS", "900"))
# Adding or removing a second factor needs password + second factor within this many seconds.
JICHITAI_REAUTH_SECONDS = int(os.environ.get("JICHITAI_REAUTH_SECONDS", "300"))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_FAILURE_LIMIT = "jichitai.accounts.throttle.failure_limit"  # reads JICHITAI_THROTTLE_LIMIT
AXES_COOLOFF_TIME = "jichitai.accounts.throttle.cool_off"  # reads JICHITAI_THROTTLE_SECONDS
AXES_CLIENT_IP_CALLABLE = "jichitai.accounts.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "jichitai.accounts.throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True  # a completed login (password + second factor) forgets the failures
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # retrying while throttled does not prolong it
AXES_DISABLE_ACCESS_LOG = True  # logins are in the audit log's consortium chain already
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "token", "credential", "csrfmiddlewaretoken"]
AXES_VERBOSE = False
LOGGING.setdefault("loggers", {})["axes"] = {"level": "ERROR"}  # failures are audit events instead
# 抑止 ([410]#3/#4, docs/registry.md "抑止 and 支援措置"): minutes after which a temporarily released
# hold locks again (a municipality may set its own: 団体別設定 registry.hold_relock_minutes).
JICHITAI_HOLD_RELOCK_MINUTES = int(os.environ.get("JICHITAI_HOLD_RELOCK_MINUTES", "30"))
# Signing issued certificates (docs/certificates.md "Signing"): a per-consortium option, on in the
# demo and the test suite, off in production until the consortium's keys (or HSM) are set up.
JICHITAI_CERTIFICATE_SIGNING = _flag("JICHITAI_CERTIFICATE_SIGNING", default=not PRODUCTION)
# 検証コード (docs/certificates.md "検証コード"): printed with the signature (same option). The
# public base URL the QR code and the printed text lead to (the verification page must be
# reachable from outside the 自治体's network); issuance refuses without it in production.
JICHITAI_PUBLIC_URL = os.environ.get(
    "JICHITAI_PUBLIC_URL", "" if PRODUCTION else "http://localhost:8000"
).strip()
if PRODUCTION and JICHITAI_CERTIFICATE_SIGNING and not JICHITAI_PUBLIC_URL:
    raise _refuse("JICHITAI_CERTIFICATE_SIGNING=1 には JICHITAI_PUBLIC_URL（証明書の照合ページの公開URL）が必要です",
                  "JICHITAI_CERTIFICATE_SIGNING=1 needs JICHITAI_PUBLIC_URL (the public verification page's URL)")
# Guessing brake of the public page, per client address (django-ratelimit, "N/s|m|h|d"): every
# look-up, and look-ups of codes that do not exist.
JICHITAI_VERIFY_RATE = os.environ.get("JICHITAI_VERIFY_RATE", "60/m").strip()
JICHITAI_VERIFY_MISS_RATE = os.environ.get("JICHITAI_VERIFY_MISS_RATE", "20/h").strip()
# The counters live in the database (table jichitai_throttle, made by certificates migration
# 0003), shared by every worker and app server; no memcached/redis is needed. django-ratelimit
# prefers an atomic cache: the database cache's get-then-set can let a few concurrent requests
# more through, which the 60-bit codes make immaterial.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "jichitai_throttle",
        "OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 4},
    },
}
RATELIMIT_USE_CACHE = "throttle"

"""Settings for dichvucong, read in this one place.

With no environment variables at all the portal runs in the embedded mode: SQLite under var/,
files under var/media, background tasks inline, mail to the console. Every variable is listed
with a one-line explanation in .env.example.
"""

import ipaddress
import os
from pathlib import Path

import environ
from csp.constants import NONCE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent  # src/dichvucong
REPO_DIR = BASE_DIR.parent.parent

env = environ.Env()
environ.Env.read_env(REPO_DIR / ".env", overwrite=False)

VAR_DIR = Path(env("DVC_VAR_DIR", default=str(REPO_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _embedded_secret(name: str, make) -> str:
    """A secret kept under var/ (made once by `make()`) so that the embedded demo needs no
    configuration. Production sets each one in its environment; there is no production default.
    """
    path = VAR_DIR / name
    if not path.exists():
        # Written private, then linked in whole and only once: a server and a worker starting
        # together neither read a half-written file nor each keep a key of their own.
        draft = VAR_DIR / f".{name}.{os.getpid()}"
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
            file.write(make())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _new_secret_key() -> str:
    from django.core.management.utils import get_random_secret_key

    return get_random_secret_key()


def _new_signing_key() -> str:
    import base64
    import secrets

    # An Ed25519 private key is any 32 random bytes (RFC 8032).
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


EMBEDDED = "DATABASE_URL" not in env.ENVIRON
SECRET_KEY = env("DJANGO_SECRET_KEY", default=None) or (
    _embedded_secret("secret_key", _new_secret_key) if EMBEDDED else None
)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY (no default outside the embedded mode)."
    )

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications, lowest layer first (architecture.md: a lower app never imports a higher one).
INSTALLED_APPS = [
    "dichvucong.core",
    "dichvucong.agencies",
    "dichvucong.accounts",
    "dichvucong.catalog",
    "dichvucong.dossiers",
    "dichvucong.workflow",
    "dichvucong.documents",
    "dichvucong.notifications",
    "dichvucong.feedback",
    "dichvucong.api",
    "dichvucong.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_htmx",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dichvucong.core.middleware.VietnameseFirstLocaleMiddleware",
    "dichvucong.web.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dichvucong.web.middleware.BodySizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dichvucong.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "dichvucong.urls"
WSGI_APPLICATION = "dichvucong.wsgi.application"

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
                "csp.context_processors.nonce",
                "dichvucong.web.context_processors.portal",
            ],
        },
    },
]

# --- Database: SQLite under var/ in the embedded mode, else DATABASE_URL (postgres:// or sqlite://).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'dichvucong.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo read while it writes; the timeout rides out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# In production the portal connects as a role that may only append to the audit trail, and
# migrations run as the tables' owner: `DATABASE_OWNER_URL=... manage.py migrate --database owner`
# (set it for that command only). After each migrate the role DVC_DB_APP_ROLE gets its grants.
if env("DATABASE_OWNER_URL", default=""):
    DATABASES["owner"] = {**DATABASES["default"], **env.db_url("DATABASE_OWNER_URL")}
    DATABASES["owner"]["CONN_MAX_AGE"] = 0
DVC_DB_APP_ROLE = env("DVC_DB_APP_ROLE", default="")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, background tasks: Redis when REDIS_URL is set, else in-process.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="dvc"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "dvc_cache",
        }
    }
# Sessions live in the database so any web node can serve any user.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery beat's schedule (the embedded mode has no beat: cron runs `manage.py mark_deadlines`).
DVC_DEADLINE_INTERVAL_MINUTES = env.int("DVC_DEADLINE_INTERVAL_MINUTES", default=15)
DVC_AUDIT_CHECKPOINT_INTERVAL_MINUTES = env.int("DVC_AUDIT_CHECKPOINT_INTERVAL_MINUTES", default=60)
CELERY_BEAT_SCHEDULE = {
    "deadlines-mark": {
        "task": "dichvucong.workflow.tasks.deadlines_mark_task",
        "schedule": DVC_DEADLINE_INTERVAL_MINUTES * 60.0,
    },
    # The audit heads' signed checkpoint (cron runs `manage.py audit_checkpoint` without beat).
    "audit-checkpoint": {
        "task": "dichvucong.core.tasks.audit_checkpoint_task",
        "schedule": DVC_AUDIT_CHECKPOINT_INTERVAL_MINUTES * 60.0,
    },
}

# --- Mail: console in the embedded mode, EMAIL_URL (smtp://user:pass@host:587/?tls=True) otherwise.
EMAIL_URL = env("EMAIL_URL", default="consolemail://")
vars().update(env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Cổng dịch vụ công <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Files
STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: private files go through a permission check
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or EMBEDDED
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or EMBEDDED
# WhiteNoise expects the folder even before collectstatic has filled it.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Language and time: Vietnamese first, English on request; Asia/Ho_Chi_Minh everywhere.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "dvc_language"
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["dichvucong.formats"]

# --- Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "dichvucong.accounts.backends.RolePermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    # Django's UserAttributeSimilarityValidator sees neither full_name nor diacritics.
    {"NAME": "dichvucong.accounts.password_validation.PersonalDetailsSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up answers a taken e-mail (and ID number, tax code) as a new one (decision 0013).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cổng DVC] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env(
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http" if EMBEDDED else "https"
)
# Login attempts are throttled per IP and per account (allauth's rate limits use the cache).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("DVC_LOGIN_FAILED_LIMIT", default="10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# A setting turns local applicant registration off once national sign-in exists (seed S11).
DVC_LOCAL_SIGNUP = env.bool("DVC_LOCAL_SIGNUP", default=True)
ACCOUNT_ADAPTER = "dichvucong.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "dichvucong.accounts.forms.SignupForm"}

# --- Security headers on every page; a content security policy with no third-party origin.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
_https = env.bool("DJANGO_HTTPS", default=not (DEBUG or EMBEDDED))
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
# The language cookie as the others (no script reads it).
LANGUAGE_COOKIE_SECURE = _https
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = _https and env.bool("DJANGO_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": [SELF, NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- The portal itself
DVC_PORTAL_NAME = env("DVC_PORTAL_NAME", default="Cổng dịch vụ công trực tuyến tỉnh Hậu Giang")
DVC_PORTAL_SHORT_NAME = env("DVC_PORTAL_SHORT_NAME", default="Cổng DVC Hậu Giang")
# Absolute address of the portal, printed in QR codes and e-mail links (no trailing slash).
DVC_PUBLIC_URL = env("DVC_PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")
DVC_PORTAL_EMBLEM = env("DVC_PORTAL_EMBLEM", default="web/emblem.svg")
DVC_IT_CONTACT = {
    "name": env("DVC_IT_CONTACT_NAME", default="Sở Thông tin và Truyền thông tỉnh Hậu Giang"),
    "phone": env("DVC_IT_CONTACT_PHONE", default="0293 3 000 000"),
    "email": env("DVC_IT_CONTACT_EMAIL", default="hotro.dvc@localhost"),
}
# Applicants' uploads: largest file, largest dossier (all files), files per component.
DVC_UPLOAD_MAX_FILE_BYTES = env.int("DVC_UPLOAD_MAX_FILE_BYTES", default=10 * 1024 * 1024)
DVC_UPLOAD_MAX_DOSSIER_BYTES = env.int("DVC_UPLOAD_MAX_DOSSIER_BYTES", default=50 * 1024 * 1024)
DVC_UPLOAD_MAX_FILES_PER_COMPONENT = env.int("DVC_UPLOAD_MAX_FILES_PER_COMPONENT", default=10)
# Size limits of uploaded catalogue files: a form template, and an import bundle (zip).
DVC_TEMPLATE_MAX_BYTES = env.int("DVC_TEMPLATE_MAX_BYTES", default=10 * 1024 * 1024)
DVC_IMPORT_MAX_BUNDLE_BYTES = env.int("DVC_IMPORT_MAX_BUNDLE_BYTES", default=200 * 1024 * 1024)
# The largest request body, refused with 413 before it is read (web.middleware): anonymous
# requests post only short forms; a signed-in one may carry a dossier's files at once (staff in
# the admin: the import bundle). Django's limits below bound the form fields alone.
DVC_MAX_BODY_BYTES_ANONYMOUS = env.int("DVC_MAX_BODY_BYTES_ANONYMOUS", default=64 * 1024)
DVC_MAX_BODY_BYTES = env.int(
    "DVC_MAX_BODY_BYTES", default=DVC_UPLOAD_MAX_DOSSIER_BYTES + 1024 * 1024
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields, files excluded (Django's default, stated)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # a larger file goes to a temporary file, not memory
DATA_UPLOAD_MAX_NUMBER_FILES = 100
# 24/11 ("Ngày Văn hóa Việt Nam") is a day off only when this is on: its legal status is open.
DVC_HOLIDAY_CULTURE_DAY = env.bool("DVC_HOLIDAY_CULTURE_DAY", default=False)
# Key of the audit chain's HMAC: without it, rewriting the chain cannot produce valid hashes.
# Its own variable outside the embedded mode: rotating DJANGO_SECRET_KEY must not break the chain.
DVC_AUDIT_KEY = env("DVC_AUDIT_KEY", default=None) or (SECRET_KEY if EMBEDDED else None)
if not DVC_AUDIT_KEY:
    raise environ.ImproperlyConfigured("Set DVC_AUDIT_KEY (no default outside the embedded mode).")

# Our reverse proxies' addresses (addresses or CIDRs): X-Forwarded-For counts only from them, so
# a client reaching the portal directly cannot choose its address in the audit trail, the
# access log or the limits (core.middleware.client_ip; allauth's limits ask it through the
# adapter). Loopback by default, where a proxy on the same host connects from.
DVC_TRUSTED_PROXIES = [
    str(ipaddress.ip_network(entry, strict=False))
    for entry in env.list("DVC_TRUSTED_PROXIES", default=["127.0.0.1/32", "::1/128"])
]

# A monitor presenting this as "Authorization: Bearer …" sees /healthz's checks (admins do too).
DVC_HEALTH_TOKEN = env("DVC_HEALTH_TOKEN", default="")


# Signed checkpoints of the audit chains' heads, kept outside the database (decision 0011):
# where they are written, the Ed25519 key that signs them (only where they are made), the public
# keys verify_audit trusts, and who receives each by e-mail (beat's interval is set above).
DVC_AUDIT_CHECKPOINT_DIR = Path(
    env("DVC_AUDIT_CHECKPOINT_DIR", default=str(VAR_DIR / "audit-checkpoints"))
)
DVC_AUDIT_CHECKPOINT_KEY = env("DVC_AUDIT_CHECKPOINT_KEY", default="") or (
    _embedded_secret("audit_checkpoint_key", _new_signing_key) if EMBEDDED else ""
)
DVC_AUDIT_CHECKPOINT_PUBLIC_KEYS = env.list("DVC_AUDIT_CHECKPOINT_PUBLIC_KEYS", default=[])
DVC_AUDIT_CHECKPOINT_EMAIL = env.list("DVC_AUDIT_CHECKPOINT_EMAIL", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The benchmark's baseline endpoint /api/v1/baseline/<agency code>/ (bench/run.sh turns it on);
# off, it is neither routed nor in the API's schema.
DVC_BENCH_BASELINE = env.bool("DVC_BENCH_BASELINE", default=False)

# --- REST API (/api/v1/): read-only public catalogue, JSON only, per-client limits, OpenAPI 3.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    # Closed by default: each public endpoint says AllowAny itself.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "dichvucong.api.pagination.PageNumberWithoutCount",
    "DEFAULT_THROTTLE_CLASSES": [
        "dichvucong.api.throttling.AnonRateThrottle",
        "dichvucong.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("DVC_API_ANON_RATE", default="120/min"),
        "user": env("DVC_API_USER_RATE", default="600/min"),
        "lookup": env("DVC_LOOKUP_RATE", default="30/min"),
    },
    "EXCEPTION_HANDLER": "dichvucong.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cổng dịch vụ công — API",
    "DESCRIPTION": (
        "API chỉ đọc của Cổng dịch vụ công trực tuyến: danh mục thủ tục hành chính đã công bố. "
        "Không cần đăng nhập; mỗi máy khách bị giới hạn số yêu cầu (HTTP 429 kèm Retry-After). "
        "Lỗi trả về JSON {detail, code, errors}."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice labels come from other apps' translations; the parameters' own descriptions say
    # what each value means, so the committed schema does not drift with a catalogue edit.
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    # Swagger UI's files come from drf-spectacular-sidecar, served by the portal itself.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "dichvucong.agencies.models.Level",
        "OnlineLevelEnum": "dichvucong.catalog.models.OnlineLevel",
    },
}

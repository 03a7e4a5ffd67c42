"""Settings for the petition site, read from the environment (see .env.example)."""

import re
from pathlib import Path

import environ
import sentry_sdk
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from sentry_sdk.integrations.django import DjangoIntegration

from petition_site.lib.logs import scrub_breadcrumb, scrub_event
from petition_site.lib.mail import REPLIES_PER_SEND, mailer_from_url, send_seconds
from petition_site.lib.storage import private_storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-do-not-deploy")
else:
    # No default: a production process without a secret must not start.
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Partner sites (national sections, allied organisations) whose pages may post
# the signing form and frame the embeddable form, e.g. https://www.amnesty.de
PARTNER_ORIGINS = env.list("PARTNER_ORIGINS", default=[])
for _origin in PARTNER_ORIGINS:
    if not re.fullmatch(r"https?://[a-z0-9.-]+(:\d+)?", _origin):
        raise ImproperlyConfigured(
            f"PARTNER_ORIGINS: {_origin!r} is not an origin like https://example.org"
        )
# Campaign tags a link may carry (?source=newsletter) and a signature records.
SOURCE_TAGS = env.list("SOURCE_TAGS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "signatures.staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_countries",
    "django_ratelimit",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "signatures",
]

MIDDLEWARE = [
    # Outermost: every answer gets the security headers, /healthz and static files too.
    "petition_site.lib.middleware.SecurityHeadersMiddleware",
    "petition_site.lib.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "petition_site.lib.middleware.MalformedBodyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, without Vary: Accept-Language on bodies no language changes.
    "petition_site.lib.negotiation.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Origin and Fetch Metadata, not a token: see petition_site/lib/csrf.py.
    "petition_site.lib.csrf.OriginCsrfMiddleware",
    # ... and Django's token as well on staff URLs.
    "petition_site.lib.csrf.StaffTokenMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "petition_site.lib.middleware.NulQueryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "petition_site.lib.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "petition_site.urls"
WSGI_APPLICATION = "petition_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Unset DATABASE_URL gives a SQLite file so the quick start needs no server;
# production and the test suite use PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # A database that does not answer fails a request in seconds, not minutes.
    options["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=3)
    # With threaded workers (GUNICORN_THREADS > 1) a psycopg pool per process
    # shares connections between threads; with sync workers CONN_MAX_AGE does.
    if pool_size := env.int("DATABASE_POOL_MAX_SIZE", default=0):
        options["pool"] = {"min_size": 1, "max_size": pool_size, "timeout": 5}
        DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Forged requests are refused by petition_site.lib.csrf.OriginCsrfMiddleware
# (Fetch Metadata and Origin) instead of Django's token middleware; this check
# only looks for the latter.
SILENCED_SYSTEM_CHECKS = ["security.W003"]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "petition_site.lib.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "petition",
            # After a failure, Redis is left alone this long (petition_site.lib.cache).
            "OPTIONS": {"retry_after": env.float("CACHE_RETRY_SECONDS", default=5.0)},
        }
    }
    # django-ratelimit lists only django-redis; Django's own RedisCache (which
    # ours extends) gives it the atomic add() and incr() it needs.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.W001"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if DEBUG:
        # Development only: rate-limit counters live in this one process.
        # Without DEBUG these checks stay on, so production cannot run
        # without a shared cache.
        SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]

# Copies each process keeps of what every request reads: campaigns and the
# rendered campaign page (signatures.signing.pages). Keys carry the data's version.
CACHES["local"] = {
    "BACKEND": "petition_site.lib.cache.ProcessCache",
    "LOCATION": "petition-local",
    "TIMEOUT": 300,
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "batches"],
    }
}

MAILERS = {"default": mailer_from_url(env.str("EMAIL_URL", default="consolemail://"))}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="petition@localhost")
# Signers see who writes to them ("Amnesty International <petition@…>").
DEFAULT_FROM_NAME = env.str("DEFAULT_FROM_NAME", default="")
REPLY_TO_EMAIL = env.str("REPLY_TO_EMAIL", default="")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTHENTICATION_BACKENDS = ["signatures.staff.accounts.NormalisedUsernameBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربيّة"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hand-in files are private: a directory no web server serves, or a bucket of
# an S3-compatible store when BATCH_STORAGE_BUCKET is set (django-storages).
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private")))
batch_storage = private_storage(
    PRIVATE_MEDIA_ROOT / "batches",
    bucket=env.str("BATCH_STORAGE_BUCKET", default=""),
    endpoint_url=env.str("BATCH_STORAGE_ENDPOINT_URL", default=""),
    access_key=env.str("BATCH_STORAGE_ACCESS_KEY", default=""),
    secret_key=env.str("BATCH_STORAGE_SECRET_KEY", default=""),
    region=env.str("BATCH_STORAGE_REGION", default=""),
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "batches": batch_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security. Defaults are the production ones; DEBUG relaxes what plain-http
# development needs.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "signatures.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
# The largest legitimate body is an admin form; the sign form is under 2 KB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

# How many reverse proxies in front of us append to X-Forwarded-For; with 0
# the header is ignored, so a client cannot pick its own address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

ADMIN_URL = env.str("ADMIN_URL", default="admin/")
# The site lives at the root (or under this prefix), whatever a request's
# SCRIPT_NAME says: no request header may change the page others are served.
FORCE_SCRIPT_NAME = env.str("FORCE_SCRIPT_NAME", default="")

# Campaign behaviour.
DEFAULT_CAMPAIGN = env.str("DEFAULT_CAMPAIGN", default="assange")
CONFIRMATION_LINK_MAX_AGE_DAYS = env.int("CONFIRMATION_LINK_MAX_AGE_DAYS", default=14)
# The withdraw link in the same mail: long enough to reach the hand-in; after
# it a signer asks for a fresh one at /<slug>/withdraw/.
WITHDRAW_LINK_MAX_AGE_DAYS = env.int("WITHDRAW_LINK_MAX_AGE_DAYS", default=180)
CONFIRMATION_RESEND_MINUTES = env.int("CONFIRMATION_RESEND_MINUTES", default=5)
CONFIRMATION_MAX_EMAILS = env.int("CONFIRMATION_MAX_EMAILS", default=5)
CONFIRMATION_GRACE_HOURS = 24
PURGE_UNCONFIRMED_DAYS = env.int("PURGE_UNCONFIRMED_DAYS", default=30)
CONFIRMATION_REMINDER_DAYS = env.int("CONFIRMATION_REMINDER_DAYS", default=3)
COUNT_REFRESH_SECONDS = env.int("COUNT_REFRESH_SECONDS", default=30)
CAMPAIGN_CACHE_SECONDS = env.float("CAMPAIGN_CACHE_SECONDS", default=2.0)
# The campaign page is the same for every visitor: caches (nginx, a CDN, the
# browser) keep it this long, and may serve it as long again while they fetch
# a fresh copy. Its count is therefore at most twice this old.
CAMPAIGN_PAGE_MAX_AGE = env.int("CAMPAIGN_PAGE_MAX_AGE", default=30)
# Each process reads the count it shows on public pages this often at most.
PAGE_COUNT_SECONDS = env.float("PAGE_COUNT_SECONDS", default=2.0)
MAIL_RETRY_LIMIT = env.int("MAIL_RETRY_LIMIT", default=8)
# Threads sending confirmation mail in each worker process.
MAIL_THREADS = env.int("MAIL_THREADS", default=2)
# Hand-in PDFs are split into volumes of this many names (about 100 pages),
# so the worker's memory stays bounded whatever the batch's size.
BATCH_NAMES_PER_VOLUME = env.int("BATCH_NAMES_PER_VOLUME", default=20_000)
MAIL_RETRY_SECONDS = env.int("MAIL_RETRY_SECONDS", default=60)  # first back-off, then doubled
# Mails a worker claims at once and sends over one connection, and how long
# it holds them: a worker that dies leaves them to another after the lease.
MAIL_BATCH_SIZE = env.int("MAIL_BATCH_SIZE", default=50)
# The lease is renewed as a batch goes, so a slow server never gets a mail
# twice; it must outlast the longest single send (every reply at the timeout).
MAIL_LEASE_SECONDS = env.int("MAIL_LEASE_SECONDS", default=300)
MAIL_SEND_SECONDS = send_seconds(MAILERS["default"])
if MAIL_LEASE_SECONDS <= MAIL_SEND_SECONDS:
    raise ImproperlyConfigured(
        f"MAIL_LEASE_SECONDS ({MAIL_LEASE_SECONDS}) must be longer than one mail can take: "
        f"{MAIL_SEND_SECONDS:g} s ({REPLIES_PER_SEND} SMTP replies at EMAIL_URL's timeout). "
        "Raise MAIL_LEASE_SECONDS or lower the timeout (EMAIL_URL=smtp://host?timeout=5)."
    )
# A task running longer than this is taken for one whose worker died, and
# run again by another worker (manage.py worker). Tasks finish in seconds.
TASK_LEASE_SECONDS = env.int("TASK_LEASE_SECONDS", default=120)
# Finished task results are kept this long, then the workers delete them (hourly).
TASK_RESULTS_KEEP_DAYS = env.int("TASK_RESULTS_KEEP_DAYS", default=14)
# /healthz calls the mail queue late when a due task has waited this long; the
# function that says how long the oldest due mail or task has waited.
MAIL_QUEUE_LATE_SECONDS = env.int("MAIL_QUEUE_LATE_SECONDS", default=300)
HEALTH_QUEUE_WAIT = "signatures.mail.queue.oldest_wait"

# Abuse protection (signatures/signing/abuse.py). Past a soft limit a signature is
# held for review; past a hard limit the request gets 429 and nothing is kept.
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
SIGN_RATE_IP_SOFT = env.str("SIGN_RATE_IP_SOFT", default="30/h")
SIGN_RATE_IP_HARD = env.str("SIGN_RATE_IP_HARD", default="300/h")
# Per e-mail address only a soft limit: whoever burns an address's limit, its
# owner can always sign and confirm through the mailbox.
SIGN_RATE_EMAIL_SOFT = env.str("SIGN_RATE_EMAIL_SOFT", default="5/h")
# Fresh withdraw links asked for (/<slug>/withdraw/), per client network and per address.
WITHDRAW_LINK_RATE_IP = env.str("WITHDRAW_LINK_RATE_IP", default="10/h")
WITHDRAW_LINK_RATE_EMAIL = env.str("WITHDRAW_LINK_RATE_EMAIL", default="3/h")
# A person needs a few seconds to fill the form; a script does not.
SIGN_MIN_FILL_SECONDS = env.int("SIGN_MIN_FILL_SECONDS", default=3)
# Staff with a TOTP device always need their code; this makes it compulsory for all.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "Petition staff"
# Nobody reads a colleague's authenticator secret in the admin; each sets up their own.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Work the ALTCHA puzzle asks of a browser: about a second on a phone.
ALTCHA_MAX_NUMBER = env.int("ALTCHA_MAX_NUMBER", default=100_000)
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
# Failures on one account from everywhere before browsers new to it are refused.
LOGIN_ACCOUNT_LIMIT = env.int("LOGIN_ACCOUNT_LIMIT", default=50)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)

# Privacy.
PRIVACY_CONTROLLER = env.str("PRIVACY_CONTROLLER", default="The campaign organisers")
PRIVACY_CONTACT = env.str("PRIVACY_CONTACT", default="privacy@example.org")
ANONYMIZE_AFTER_DAYS = env.int("ANONYMIZE_AFTER_DAYS", default=90)
# The sender named on hand-in letters when a campaign names none.
HANDIN_ORGANISATION = env.str("HANDIN_ORGANISATION", default="") or PRIVACY_CONTROLLER
HANDIN_CONTACT = env.str("HANDIN_CONTACT", default="") or PRIVACY_CONTACT

# Errors go to Sentry when a DSN is set; no personal data is sent with them.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=0.0,
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "petition_site.lib.logs.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports every page it lays out at INFO.
    "loggers": {
        # Django's own handlers would print request paths unredacted.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

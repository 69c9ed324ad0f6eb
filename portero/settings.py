"""Portero settings: one module, configured from the environment (see README, 'Instellingen').

Local defaults are safe and self-contained (SQLite under var/, files as mail and SMS outbox, Celery on a
file-system broker). Without DJANGO_DEBUG the secrets are required and the site refuses to start without
them.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portero.env import env_bool, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTERO_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY") or "dev-only-insecure-key-never-use-in-production-0123456789abcdef"
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = env_required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "two_factor",
    "two_factor.plugins.phonenumber",
    "phonenumber_field",
    "formtools",
    "axes",
    "csp",
    "accounts",
    "orgadmin",
    "aanvragen",
]

MIDDLEWARE = [
    "portero.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portero.hosts.HostRoutingMiddleware",
    "portero.language.LanguageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.OTPMiddleware",
    # Every page needs a login unless its view says otherwise, and a login needs the second factor.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "accounts.middleware.NeverCacheWhenLoggedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portero.urls"
WSGI_APPLICATION = "portero.wsgi.application"

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
                "portero.context_processors.site",
            ],
            "libraries": {"portero": "portero.templatetags"},
        },
    },
]

if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite database lives there
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portero.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Every Portero query is a short lookup by index. A parallel plan's workers took ~13 ms to start on the 2-core
    # benchmark machine, longer than the queries they would split: the beheer search's count went from ~5 ms to
    # ~18 ms when the planner chose one (docs/PERFORMANCE.md). A URL's own ?options=… replaces this.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c max_parallel_workers_per_gather=0")
SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E030"]  # django-otp-webauthn's list of origins: unused (accounts/webauthn.py)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # models.W040: SQLite has no INCLUDE, so Django creates no covering index there (accounts.User's
    # user_org_search_idx, a PostgreSQL plan for a million accounts). Expected for the local database, whose few
    # demo rows need no index; on PostgreSQL the check still runs.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL") or None
if REDIS_URL:
    # Degrades to a per-process memory cache while Redis is down (portero/cache.py); sessions are in the database.
    CACHES = {"default": {"BACKEND": "portero.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts and login -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "accounts.hashers.PorteroArgon2PasswordHasher",  # Argon2id at OWASP's minimum; see accounts/hashers.py
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The seeds' password policy; every failure is reported at once. Django sets no maximum length.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "accounts.validators.CharacterClassesValidator"},
    {"NAME": "accounts.validators.NamePartsValidator"},
    {"NAME": "accounts.validators.PasswordHistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PORTERO_PASSWORD_HISTORY = 12
PORTERO_PASSWORD_VALID_MONTHS = 3
PORTERO_PASSWORD_WARNING_DAYS = 14
PORTERO_IDLE_MONTHS = 6
LOGIN_URL = "two_factor:login"
# "/": the aanvraag site's start, or gebruikersbeheer's on BEHEER_HOST (portero/hosts.py).
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "two_factor:login"
# A set-password link is valid 8 hours (seeds, chapter 2.1).
PASSWORD_RESET_TIMEOUT = 8 * 60 * 60

# A session ends after 30 minutes without a request (accounts.services.session_touch, to the second: the moment of
# each request is in Redis). Its row is written at most once in 10 minutes, not on every click, and lives those 10
# minutes longer than the rule. Only while Redis is down does the rule count from the row: up to 10 minutes early.
PORTERO_SESSION_IDLE_SECONDS = 30 * 60
PORTERO_SESSION_SAVE_INTERVAL = 10 * 60
# However active, a session ends this long after its login (ASVS 3.3.2): a working day plus overtime, so nobody is
# logged out during a shift, and a session taken over (a shared computer left logged in) does not live for days.
PORTERO_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = PORTERO_SESSION_IDLE_SECONDS + PORTERO_SESSION_SAVE_INTERVAL
SESSION_ENGINE = "accounts.session_store"  # the database, with a copy in Redis (accounts.auth_cache)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Second factor: a 6-digit SMS code; no other method is offered.
SMS_GATEWAY = env_str("SMS_GATEWAY", "outbox")
_SMS_GATEWAYS = {
    "outbox": "accounts.sms.OutboxGateway",
    "twilio": "accounts.sms.TwilioGateway",
}
if SMS_GATEWAY not in _SMS_GATEWAYS:
    raise ImproperlyConfigured(
        f"SMS_GATEWAY={SMS_GATEWAY!r} is unknown; choose one of: {', '.join(sorted(_SMS_GATEWAYS))}."
    )
TWO_FACTOR_SMS_GATEWAY = _SMS_GATEWAYS[SMS_GATEWAY]
TWO_FACTOR_CALL_GATEWAY = None
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN")
TWILIO_CALLER_ID = env_str("TWILIO_CALLER_ID")
TWILIO_MESSAGING_SERVICE_SID = env_str("TWILIO_MESSAGING_SERVICE_SID")
if SMS_GATEWAY == "twilio" and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN and TWILIO_CALLER_ID):
    raise ImproperlyConfigured("SMS_GATEWAY=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_CALLER_ID.")
SMS_OUTBOX_DIR = VAR_DIR / "sms"
TWO_FACTOR_TOTP_DIGITS = 6
TWO_FACTOR_LOGIN_TIMEOUT = 10 * 60
TWO_FACTOR_PHONE_THROTTLE_FACTOR = 1
TWO_FACTOR_REMEMBER_COOKIE_AGE = None
PHONENUMBER_DEFAULT_REGION = "NL"
# Passkeys and security keys (django-otp-webauthn), after the password: relying party per host, the origin checked
# against the request, a cloned key refused (accounts/webauthn.py). PORTERO_WEBAUTHN_RP_ID: one key for both hosts.
PORTERO_WEBAUTHN_RP_ID = env_str("PORTERO_WEBAUTHN_RP_ID", "").strip().lower().rstrip(".")
OTP_WEBAUTHN_RP_ID_CALLABLE = "accounts.webauthn.relying_party_id"
OTP_WEBAUTHN_HELPER_CLASS = "accounts.webauthn.PorteroWebAuthnHelper"
OTP_WEBAUTHN_RP_NAME = "Portero"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Login name + address together: one address holds a whole organisation, and a login name is easy to guess;
# the limits of each alone are PORTERO_LOGIN_LIMITS below.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The one resolver of the client's address (portero/client_ip.py), also for the lockout.
AXES_CLIENT_IP_CALLABLE = "portero.client_ip.client_address"
AXES_VERBOSE = False

# The limits below are per client address (portero/client_ip.py) and sized for one organisation of 50,000
# accounts behind one public address at the 08:30 peak; the arithmetic is in docs/SECURITY.md.
# Failed logins (accounts.services.login_attempt_refusal): django-axes locks login name + address after
# AXES_FAILURE_LIMIT wrong passwords; the login name alone gets a progressive delay after `free` failures from
# anywhere (not from an address it logged in from in the last `known_address_days`); an address gets a cap on
# its failures over all login names (fixed windows).
PORTERO_LOGIN_LIMITS = {
    "per_login_name": {"free": 10, "max_seconds": 60, "forget_seconds": 60 * 60},
    "known_address_days": 30,
    "per_address": [
        {"limit": 750, "window_seconds": 15 * 60},
        {"limit": 3000, "window_seconds": 24 * 60 * 60},
    ],
}
# 'Wachtwoord aanvragen' limits (a fixed window in the cache).
PORTERO_PASSWORD_REQUEST_LIMITS = {
    "per_login_name": {"limit": 5, "window_seconds": 60 * 60},
    "per_address": {"limit": 600, "window_seconds": 60 * 60},
}
# SMS codes: one send per cooldown, and caps per user and per client address (fixed windows); then budgets that
# protect the cost: per organisation (a number per account it has, at least `minimum`) and for the whole site.
PORTERO_SMS_LIMITS = {
    "cooldown_seconds": 30,
    "per_user": {"limit": 5, "window_seconds": 15 * 60},
    "per_address": {"limit": 7500, "window_seconds": 15 * 60},
    "per_organisation": {
        "per_account": env_int("PORTERO_SMS_PER_ACCOUNT_PER_DAY", 4),
        "minimum": 50,
        "window_seconds": 24 * 60 * 60,
    },
    "site": {"limit": env_int("PORTERO_SMS_SITE_PER_HOUR", 40000), "window_seconds": 60 * 60},
}
# Mobile numbers for the SMS code only from these regions (ISO 3166 codes; accounts.services.mobile_parse): SMS to
# foreign numbers cost more and are what SMS pumping lives on.
PORTERO_SMS_ALLOWED_REGIONS = env_list("PORTERO_SMS_ALLOWED_REGIONS", ["NL"])
# Local parts of generic, shared mailboxes that may not be a user's address (FAQ: no info@...).
PORTERO_GENERIC_MAILBOXES = env_list(
    "PORTERO_GENERIC_MAILBOXES",
    (
        "info algemeen secretariaat receptie administratie planning zorg noreply no-reply contact office post mail "
        "admin helpdesk servicedesk"
    ).split(),
)

# --- Mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Portero <noreply@portero.ciz.nl>")
# Absolute address of the site, for links in mails sent from background jobs.
PORTERO_BASE_URL = env_str("PORTERO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Two sites on their own hosts (both or neither); then links in mails use https://<host> (portero/hosts.py).
BEHEER_HOST = env_str("BEHEER_HOST", "")
AANVRAAG_HOST = env_str("AANVRAAG_HOST", "")
if bool(BEHEER_HOST) != bool(AANVRAAG_HOST):
    raise ImproperlyConfigured("Set both BEHEER_HOST and AANVRAAG_HOST, or neither.")
PORTERO_URL_SCHEME = env_str("PORTERO_URL_SCHEME", "https")

# --- Celery -------------------------------------------------------------------------------------
CELERY_TIMEZONE = "Europe/Amsterdam"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A task taken by a worker that died (acks late) goes back on the queue after this many seconds; longer
    # than CELERY_TASK_TIME_LIMIT, or a slow task would run twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 60 * 60),
        "unacked_restore_throttle": 1,  # look for such tasks every 10 s, not every 100 s (kombu's default)
        "socket_connect_timeout": 2,
    }
else:
    # No broker server needed locally: Kombu's file-system transport under var/.
    # A host in the URL only so that kombu does not warn "No hostname was supplied" on every connection; the
    # file-system transport ignores it.
    CELERY_BROKER_URL = "filesystem://localhost//"
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a worker killed mid-task: the task runs again (tasks are idempotent)
# An unreachable broker fails fast (mail tasks then send at once, portero/mail.py) instead of hanging the page.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "Inactieve accounts (6 maanden niet ingelogd) deactiveren": {
        "task": "accounts.tasks.deactivate_idle_accounts",
        "schedule": crontab(hour=2, minute=0),
    },
    "Verlopen wachtwoorden markeren en waarschuwingen versturen": {
        "task": "accounts.tasks.expire_passwords",
        "schedule": crontab(hour=2, minute=30),
    },
    "Sessies opruimen": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=30),
    },
    "Bewaartermijnen toepassen (aanvragen, logs, toestemmingen, accounts, mislukte inlogpogingen)": {
        "task": "aanvragen.tasks.apply_retention",
        "schedule": crontab(hour=4, minute=0),
    },
    "Bijlagebestanden zonder aanvraag opruimen": {
        "task": "aanvragen.tasks.sweep_orphan_attachment_files",
        "schedule": crontab(hour=5, minute=0, day_of_week=0),
    },
    "Herinneringen verlenging artikel 21-besluiten versturen": {
        "task": "aanvragen.tasks.send_wzd_renewal_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
}

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Private attachments (aanvragen.models.PrivateStorage): the file system under PRIVATE_MEDIA_ROOT, or with
# PORTERO_PRIVATE_STORAGE=s3 a bucket of S3-compatible object storage, objects private and encrypted at rest.
PORTERO_PRIVATE_STORAGE = env_str("PORTERO_PRIVATE_STORAGE", "filesystem")
if PORTERO_PRIVATE_STORAGE == "filesystem":
    STORAGES["private"] = {"BACKEND": "portero.storage.PrivateFileSystemStorage"}
elif PORTERO_PRIVATE_STORAGE == "s3":
    if not env_str("PORTERO_S3_BUCKET"):
        raise ImproperlyConfigured("PORTERO_PRIVATE_STORAGE=s3 needs PORTERO_S3_BUCKET.")
    STORAGES["private"] = {
        "BACKEND": "portero.storage_s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env_str("PORTERO_S3_BUCKET"),
            "endpoint_url": env_str("PORTERO_S3_ENDPOINT_URL") or None,
            "region_name": env_str("PORTERO_S3_REGION") or None,
            # Unset: boto3's own chain (e.g. a workload identity of the platform).
            "access_key": env_str("PORTERO_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("PORTERO_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("PORTERO_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }
else:
    raise ImproperlyConfigured(f"PORTERO_PRIVATE_STORAGE={PORTERO_PRIVATE_STORAGE!r} is unknown: filesystem or s3.")

# --- Aanvragen ----------------------------------------------------------------------------------
# A consent declared by an organisation is reused this many days after the form was signed.
PORTERO_CONSENT_VALID_DAYS = env_int("PORTERO_CONSENT_VALID_DAYS", 365)
PORTERO_ATTACHMENT_MAX_BYTES = env_int("PORTERO_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
PORTERO_USER_IMPORT_MAX_BYTES = env_int("PORTERO_USER_IMPORT_MAX_BYTES", 5 * 1024 * 1024)  # 'Gebruikers importeren'
PORTERO_USER_IMPORT_MAX_ROWS = env_int("PORTERO_USER_IMPORT_MAX_ROWS", 10_000)  # users per file
PORTERO_USER_IMPORT_MAIL_RATE = env_int("PORTERO_USER_IMPORT_MAIL_RATE", 600)  # welcome mails per minute, batched
# Attachments hold medical data: stored outside MEDIA_ROOT, never served under a public URL.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# Decision terms of a Wlz application: 6 weeks, 2 weeks under 'bijzondere omstandigheden'.
PORTERO_DEADLINE_WEEKS = 6
PORTERO_DEADLINE_WEEKS_URGENT = 2
# Spot checks on consents: days the organisation gets to produce the signed forms, and how many spot checks
# with a 'niet in orde' (one of them after a warning) make CIZ advise suspension for careless use.
PORTERO_SPOT_CHECK_REPLY_DAYS = 14
PORTERO_SPOT_CHECK_FAILURES_FOR_SUSPENSION = 2
# Retention (docs/PRIVACY.md, whose table explains each period; rows per statement, seconds per nightly run).
PORTERO_RETENTION_CONCEPT_DAYS = env_int("PORTERO_RETENTION_CONCEPT_DAYS", 28)
PORTERO_RETENTION_CONCEPT_WARNING_DAYS = env_int("PORTERO_RETENTION_CONCEPT_WARNING_DAYS", 7)
PORTERO_RETENTION_CLOSED_YEARS = env_int("PORTERO_RETENTION_CLOSED_YEARS", 2)
PORTERO_RETENTION_LOG_YEARS = env_int("PORTERO_RETENTION_LOG_YEARS", 5)
PORTERO_RETENTION_ACCOUNT_YEARS = env_int("PORTERO_RETENTION_ACCOUNT_YEARS", 1)
PORTERO_RETENTION_LOGIN_FAILURE_DAYS = env_int("PORTERO_RETENTION_LOGIN_FAILURE_DAYS", 30)
PORTERO_RETENTION_IMPORT_DAYS = env_int("PORTERO_RETENTION_IMPORT_DAYS", 30)
PORTERO_RETENTION_BATCH = env_int("PORTERO_RETENTION_BATCH", 1000)
PORTERO_RETENTION_TIME_BUDGET_SECONDS = env_int("PORTERO_RETENTION_TIME_BUDGET_SECONDS", 180)

# --- Security headers ---------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
if SESSION_COOKIE_SECURE:
    # ASVS 3.4.4: a browser accepts a `__Host-` cookie only if it is Secure, has Path=/ and no Domain (Django's
    # defaults here), so neither another host under the same domain nor a plain-http page can set or overwrite it.
    # Without HTTPS (make run) the plain names stay: a browser refuses a `__Host-` cookie that is not Secure. The
    # flash-message cookie follows the session cookie's name (portero.messages).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
MESSAGE_STORAGE = "portero.messages.HostPrefixFallbackStorage"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies of our own stand in front of the app; each appends to X-Forwarded-For, and the
# client's address is the hop just left of theirs (portero/client_ip.py). 0: REMOTE_ADDR is the client. A wrong
# number is not harmless: too low and every request seems to come from the proxy, too high and a client can
# choose its own address. So behind a proxy in production the number must be given (the shipped
# docker-compose.yml: 1), and the old name of this setting is refused rather than silently ignored.
if env_str("AXES_IPWARE_PROXY_COUNT") is not None:
    raise ImproperlyConfigured("AXES_IPWARE_PROXY_COUNT is no longer read: set PORTERO_TRUSTED_PROXIES instead.")
if BEHIND_PROXY and not DEBUG and not (env_str("PORTERO_TRUSTED_PROXIES") or "").strip():
    raise ImproperlyConfigured(
        "DJANGO_BEHIND_PROXY is on: set PORTERO_TRUSTED_PROXIES to the number of reverse proxies in front of the "
        "app (1 for the nginx of docker-compose.yml), so that lockouts, limits and logs see the client's address."
    )
PORTERO_TRUSTED_PROXIES = env_int("PORTERO_TRUSTED_PROXIES", 0)
if PORTERO_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("PORTERO_TRUSTED_PROXIES must be 0 or more.")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# One line per request and per task with its request id; the filter "redact" on every handler rewrites each
# record it sees so that no secret or BSN reaches a log line (portero/logging.py).
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is unknown; choose plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "portero.logging.RedactSecrets"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "portero.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (a console for DEBUG, mail to ADMINS) are replaced: its records go to the root's.
        "django": {"handlers": [], "level": "INFO"},
        "axes": {"level": "WARNING"},
        "twilio": {"level": "WARNING"},  # its INFO lines hold the SMS body
        # The request line of portero.request replaces these (Django's 4xx warnings and gunicorn's access log).
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING", "propagate": True},
        # Celery's own per-task lines; portero.task writes one line per task.
        "celery.app.trace": {"level": "WARNING"},
        # gunicorn's lines from a worker go through the same handler (and redaction) instead of gunicorn's own.
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

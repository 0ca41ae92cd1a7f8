"""One settings module, read from the environment.

Nothing set gives the embedded default (SQLite, in-process tasks, console mail, DEBUG on), so `make run` works on a
bare machine. DATABASE_URL and REDIS_URL switch to the production stack.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; a missing file is fine

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-only-for-the-embedded-demo")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    # Production refuses to start rather than run with a guessable key or open host header.
    SECRET_KEY = env("SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if not SECRET_KEY:
        raise ImproperlyConfigured("DEBUG=False 时必须设置 SECRET_KEY 环境变量。")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DEBUG=False 时必须设置 ALLOWED_HOSTS 环境变量。")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    # --- identity: login lockout, second factor ---
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "common",
    "accounts",
    "villages",
    "advisors",
    "ledger",
    "assessment",
    "publicity",
    "consultations",
    "notifications",
    "deadlines",
    "imports",
    "demo",
    "oversight",
    "home",
    # --- audit (安全审计): one append-only trail; auditlog before audit (audit/admin.py replaces its admin)
    "auditlog",
    "audit",
]

# The benchmark and load-test commands: development only, or BENCHMARKS=1 to measure on production settings.
BENCHMARKS = env.bool("BENCHMARKS", default=DEBUG)
if BENCHMARKS:
    INSTALLED_APPS.append("benchmarks")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # --- audit: the user and address of every model change; permission denials into the trail ---
    "audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # --- identity: 12-hour sessions; the second factor and a due password change before any page ---
    "accounts.middleware.SessionLimitMiddleware",
    "accounts.middleware.SecurityGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # --- security headers: CSP on every response; no-store on every response to a signed-in user ---
    "csp.middleware.CSPMiddleware",
    "common.middleware.NoStoreForSignedInMiddleware",
    # Last, as django-axes asks: turns a lockout into the login page with its message.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # runserver serves static files itself in development.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "accounts.context_processors.role",
                "notifications.context_processors.unread_count",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Reliability: each request is one transaction; tasks and mails go out with transaction.on_commit.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default holds a handful of people at once: readers never wait for the writer (WAL), a writer
    # waits its turn up to SQLITE_TIMEOUT seconds instead of failing with "database is locked", and every
    # transaction takes the write lock when it begins (IMMEDIATE), so none fails later when it first writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
# A read replica (README "Deployment beyond one machine"): the report pages and the workbook export read from it
# (common/replica.py); every write, and everything else, stays on "default". Without it, nothing reads elsewhere.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # A standby refuses writes anyway; this says so for a replica that would not.
        DATABASES["replica"].setdefault("OPTIONS", {})["options"] = "-c default_transaction_read_only=on"
    # A test run has no replication: there the replica is the test database itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# The alias reports read from inside common.replica.reading_from_replica() (empty: "default").
REPLICA_DATABASE = "replica" if "replica" in DATABASES else ""
DATABASE_ROUTERS = ["common.replica.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Short timeouts: with Redis down, a page waits a fraction of a second for the cache, then is served uncached
    # (common/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "common.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Sessions read from Redis and written to both Redis and the database (cached_db): every web node sees every
    # session, and a Redis restart, eviction or outage (a read is then a miss: common/cache.py) falls back to the
    # database instead of signing everyone out, as the "cache" engine would.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Production without a shared cache is refused (system check common.E001): the search limit and the public pages'
# cache would be per process. A single-process installation (one gunicorn worker) may say so here.
SINGLE_PROCESS = env.bool("SINGLE_PROCESS", default=False)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker the tasks run in-process, so the embedded default needs no worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
# --- Celery reliability ---
# A task is acknowledged after it ran, and given back to the queue when its worker dies mid-run, so a crash loses
# nothing (every task is idempotent); each worker process takes one task at a time. Limits stop a stuck task: the soft
# one raises SoftTimeLimitExceeded inside it, the hard one kills the process. No ETA/countdown beyond an hour (the
# broker's visibility timeout): retries back off at most RETRY_BACKOFF_MAX (notifications/tasks.py). Run exactly one
# `celery beat` (docker-compose's `beat` service), or every scheduled job runs twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# A static schedule, versioned with the code (README "Deadlines, worker and beat"). Every hour: the deadline jobs whose
# time has come (reminders from 08:00, deadline checks after midnight) and any missed day; and the notifications
# whose delivery task was lost.
CELERY_BEAT_SCHEDULE = {
    "deadlines": {"task": "deadlines.tasks.run_due_deadlines_task", "schedule": crontab(minute=10)},
    "incident-escalation": {"task": "ledger.tasks.escalate_incidents", "schedule": crontab(minute="*/15")},
    "notification-deliveries": {
        "task": "notifications.tasks.resend_stale_deliveries",
        "schedule": crontab(minute=40),
    },
    # Audit entries older than AUDIT_RETENTION_DAYS (audit/services.py); the database refuses younger ones anyway.
    "audit-purge": {"task": "audit.tasks.purge_audit_trail", "schedule": crontab(hour=3, minute=20)},
}

# --- audit (安全审计): the trail is kept AUDIT_RETENTION_DAYS (at least 180, Cybersecurity Law art. 21) ---
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
# auditlog's own LogEntry is replaced by audit.AuditEntry: its migrations (an unused table) are not run.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_MASK_CALLABLE = "audit.masking.mask_value"
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
# Only behind a reverse proxy that sets X-Forwarded-For itself; otherwise the client could write any address.
AUDIT_TRUST_X_FORWARDED_FOR = env.bool("AUDIT_TRUST_X_FORWARDED_FOR", default=False)

# --- identity (身份鉴别): passwords, lockout, sessions, second factor (accounts/, README "Settings") ---
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.CommonPasswordValidator"},
    {"NAME": "accounts.validators.NumericPasswordValidator"},
    {"NAME": "accounts.validators.PasswordAgeValidator"},  # records when a password is set
]
# A password older than this must be changed at the next login (0: never expires).
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)

# The lockout check first; it only counts failures, ModelBackend logs in.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "accounts.backends.UserWithProfileBackend",
]
AXES_FAILURE_LIMIT = 5  # consecutive failures for one username,
AXES_COOLOFF_TIME = timedelta(minutes=30)  # lock it for this long,
AXES_LOCKOUT_PARAMETERS = ["username"]  # whatever the IP address.
AXES_RESET_ON_SUCCESS = True  # a success starts the count again: "consecutive"
# 30 minutes from the lock, however often someone tries meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_ENABLE_ADMIN = False  # accounts/admin.py shows the locks, scoped to the bureau
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed attempt kept, as every login is (AccessLog)
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=None)
# axes warns when the address is not a lockout parameter. Locking by address would lock a whole township office
# behind one NAT address out for a colleague's typos; by username alone, changing address or browser gains nothing.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# 30 minutes idle: each request moves a signed-in session's expiry on (saved at most once a minute by
# accounts.middleware.SessionLimitMiddleware, rather than a write per request with SESSION_SAVE_EVERY_REQUEST),
SESSION_COOKIE_AGE = 30 * 60
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)  # and 12 hours from login at most.

# Bureau admins and the admin site need a second factor (TOTP). Off in the demo (DEBUG) unless set.
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="村居法律顾问")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media"))
# Every uploaded file at most this size, its type checked by its content and images re-encoded (common/uploads.py).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Scanned contracts and other non-public files: never under MEDIA_URL, served by scoped views only.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private/"},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads on S3-compatible object storage (README "Deployment beyond one machine"), so that every web node and
# worker sees the same files: S3_PUBLIC_BUCKET for "default" (public photos, served under MEDIA_URL by the proxy),
# S3_PRIVATE_BUCKET for "private" (no anonymous access: served through the app's scoped views, common/storage.py).
S3_PUBLIC_BUCKET = env("S3_PUBLIC_BUCKET", default="")
S3_PRIVATE_BUCKET = env("S3_PRIVATE_BUCKET", default="")
if S3_PUBLIC_BUCKET or S3_PRIVATE_BUCKET:
    if not (S3_PUBLIC_BUCKET and S3_PRIVATE_BUCKET):
        raise ImproperlyConfigured("使用对象存储时须同时设置 S3_PUBLIC_BUCKET 和 S3_PRIVATE_BUCKET。")
    if S3_PUBLIC_BUCKET == S3_PRIVATE_BUCKET:
        raise ImproperlyConfigured("S3_PRIVATE_BUCKET 必须是不同于 S3_PUBLIC_BUCKET 的私有存储桶。")
    _s3 = {
        "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,  # empty: AWS itself
        "region_name": env("S3_REGION_NAME", default="") or None,
        "access_key": env("S3_ACCESS_KEY_ID", default="")
        or None,  # empty: boto3's own lookup (e.g. an IAM role)
        "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
        "addressing_style": env("S3_ADDRESSING_STYLE", default="") or None,  # "path" for MinIO
        "file_overwrite": False,  # a second upload of "合同.pdf" gets a name of its own, as on disk
        "default_acl": None,  # the buckets' own policies decide
    }
    STORAGES["default"] = {
        "BACKEND": "common.storage.SiteServedS3Storage",
        "OPTIONS": {**_s3, "bucket_name": S3_PUBLIC_BUCKET, "base_url": "/" + MEDIA_URL.lstrip("/")},
    }
    STORAGES["private"] = {
        "BACKEND": "common.storage.SiteServedS3Storage",
        "OPTIONS": {**_s3, "bucket_name": S3_PRIVATE_BUCKET, "base_url": "/private/"},
    }

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@localhost")

SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Public directory searches a client (IP address) may make per minute; more get HTTP 429.
PUBLIC_SEARCH_RATE = env.int("PUBLIC_SEARCH_RATE", default=30)
# Residents' requests and ratings (consultations/): per client IP an hour, and per phone number a day.
RESIDENT_IP_RATE = env.int("RESIDENT_IP_RATE", default=10)
RESIDENT_PHONE_RATE = env.int("RESIDENT_PHONE_RATE", default=3)
# A resident's form sent back sooner than this many seconds after it was shown is a script's.
RESIDENT_CHALLENGE_MIN_SECONDS = env.int("RESIDENT_CHALLENGE_MIN_SECONDS", default=3)

DEMO_PASSWORD = env("DEMO_PASSWORD", default="Demo@2026")

# `manage.py backup` writes here unless given --output (README "Backups").
BACKUP_DIR = env("BACKUP_DIR", default=str(BASE_DIR / "backups"))

# The channels every notification goes out through, besides the in-app list (notifications/channels.py).
NOTIFICATION_CHANNELS = env.list("NOTIFICATION_CHANNELS", default=["notifications.channels.EmailChannel"])
# Seconds before a failed delivery's first retry; each next retry waits about twice as long.
NOTIFICATION_RETRY_BACKOFF = env.int("NOTIFICATION_RETRY_BACKOFF", default=30)
# The hourly deadline run also does any job of this many past days not yet done (a stopped beat loses nothing),
DEADLINES_CATCH_UP_DAYS = env.int("DEADLINES_CATCH_UP_DAYS", default=35)
# and sends the day's reminders from this hour on (Asia/Shanghai), not at midnight.
DEADLINES_REMINDER_HOUR = env.int("DEADLINES_REMINDER_HOUR", default=8)

# --- transport and headers: production passes `manage.py check --deploy --fail-level WARNING` ---
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Strict would drop the session when a person follows a link to the site from WeChat or an e-mail.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # forms carry the token in a hidden field; no script reads the cookie
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)  # one year
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if not SECURE_HSTS_PRELOAD:
        # A deliberate choice: the domain is not submitted to the browsers' preload list.
        SILENCED_SYSTEM_CHECKS.append("security.W021")

# Content-Security-Policy (django-csp 4): no inline script or style anywhere (scripts live in static/js, styles in
# static/css), images from us or data: URIs (the QR codes), no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# PIPL: no full mobile or ID number in a log line or an error report (common/log_scrubbing.py). Every
# handler carries the scrubbing filter; Django's own (the request log, the error mail to ADMINS) are redefined here
# to carry it too, and the error report itself is masked.
ADMINS = [("管理员", a) for a in env.list("ADMINS", default=[])]
DEFAULT_EXCEPTION_REPORTER = "common.log_scrubbing.ScrubbingExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "common.log_scrubbing.ScrubbingExceptionReporterFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub_personal_numbers": {"()": "common.log_scrubbing.ScrubPersonalNumbers"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub_personal_numbers"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["scrub_personal_numbers"],
        },
        # Errors only: a 404 or a refused search (429) is logged as a warning and mails nobody.
        "mail_admins": {
            "class": "common.log_scrubbing.SafeAdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "scrub_personal_numbers"],
        },
    },
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},  # printed by the root's console handler
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

"""Settings read from the environment (12-factor), with embedded defaults for development.

Without any environment variable the site runs on a SQLite file and runs Celery tasks
in-process, so ``make run`` needs neither PostgreSQL nor Redis.
"""

import datetime
import os
from pathlib import Path

import environ
import structlog
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=True)
# The development key is only ever used when DEBUG is on; production settings refuse it.
SECRET_KEY = env.str("SECRET_KEY", default="dev-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Links and QR codes point where the site answers: `PORT=8101 make run` gives :8101 unless set.
SITE_URL = env.str(
    "SITE_URL",
    default=f"http://127.0.0.1:{env.int('PORT', default=8000)}",
)

INSTALLED_APPS = [
    # Before the admin, which it extends with a field per language.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "django_fsm",
    "django_filters",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Accounts (labelling/accounts.py): log-in by e-mail, password reset and change, e-mail
    # verification, and a second factor (TOTP and recovery codes) for the secretariat.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Locks out password guessers (labelling/lockout.py).
    "axes",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below); its system checks.
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    # Every edit recorded: a version per save of the tracked models (labelling/history.py).
    "simple_history",
    # Operations: /health/ (config/health.py), /metrics (config/metrics.py), logs with a
    # request id carried into the Celery tasks a request queues.
    "health_check",
    "django_prometheus",
    "django_structlog",
    "labelling",
    "assessments",
    "reports",
]

MIDDLEWARE = [
    # First and last (below): every request and response counted and timed for /metrics.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # A request id (the proxy's X-Request-ID where trusted and well-formed, or a new one) on
    # every log line of the request and of the tasks it queues; sent back in X-Request-ID.
    "labelling.middleware.UpstreamRequestIdMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "labelling.middleware.RequestIdHeaderMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "labelling.middleware.SecretariatIdleTimeoutMiddleware",
    "labelling.middleware.UserLanguageMiddleware",
    # NUL characters (PostgreSQL stores none) and oversized uploads, refused before any view and
    # before the CSRF check reads the body; in the reader's language, so after the one above.
    "labelling.middleware.BadInputMiddleware",
    # Who made an edit: the request's user, on the version each save records.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "labelling.middleware.ServiceErrorMiddleware",
    # Last, as axes asks: turns a log-in refused for a lockout into the page that says so.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# What a page may load and run: only the site's own files. No inline script, style or handler
# anywhere (the pages' behaviour is in static/js), so an injected tag or attribute does nothing
# even where escaping failed. htmx talks only to the site; nothing may frame a page; forms post
# only here. Pictures may be data: URLs, which the API documentation's style sheet uses.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Read into a lower-case name: django-csp takes any CSP_* setting for its old format.
if csp_report_uri := env.str("CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [csp_report_uri]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "labelling.accounts.second_factor_context",
                "labelling.accounts.signup_context",
                "labelling.queue.unread_notices_context",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # A file-backed test database (one per test process) lets a real Celery worker see the data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    # IMMEDIATE: a transaction takes the write lock when it begins, so two requests writing at
    # once (an autosave and a click) queue up instead of one failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
# Persistent connections (seconds; 0 closes each at the end of its request), checked before
# reuse so that a restarted database costs one failed check, not a failed request. make serve
# and production keep them 60 s.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The admin shows a row's recorded versions but offers no "revert": that would set states and
# read-only fields past the workflow (labelling.admin.RecordedAdmin refuses it too).
SIMPLE_HISTORY_REVERT_DISABLED = True

AUTH_USER_MODEL = "labelling.User"
# The scheme's own permissions are asked through labelling.rules.can() only; Django's backend
# keeps serving the admin's model permissions. Axes' backend comes first: it refuses a locked-out
# username or address before any password is checked (and needs the request to do so).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: people log in with their e-mail address, which they have proved by a link
# (accounts the secretariat or an invitation creates are proved already: labelling/accounts.py).
# A password change keeps the session it was made in and ends every other one (Django's session
# hash); a reset ends them all. Mail goes through the outbox like every other follow-up.
ACCOUNT_ADAPTER = "labelling.accounts.AccountAdapter"
ACCOUNT_FORMS = {"login": "labelling.forms.LoginForm", "signup": "labelling.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Cluster managers sign up on their own (they become managers and nothing more; the
# organisation they register waits for the secretariat's confirmation). Off: accounts come
# from the secretariat and from invitations only.
SIGNUP_OPEN = env.bool("SIGNUP_OPEN", default=True)
# How long an invitation's link works (labelling.services.invitation_create); sending it
# again renews it.
INVITATION_DAYS = env.int("INVITATION_DAYS", default=7)
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cluster labels] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Failed log-ins are django-axes' to count (below); allauth's own per-address log-in limits
# would lock an office out earlier than the lockout the secretariat can see and lift.
ACCOUNT_RATE_LIMITS = {"login": None, "login_failed": None}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Cluster Excellence Labels"
# A code typed as its 30 seconds run out is still taken (RFC 6238 advises one step of delay);
# each code is taken once all the same.
MFA_TOTP_TOLERANCE = 1
# Deciding, confirming, issuing and revoking need a second factor (labelling/rules.py); a
# secretariat session ends after this many idle minutes.
SECRETARIAT_REQUIRES_SECOND_FACTOR = env.bool("SECRETARIAT_REQUIRES_SECOND_FACTOR", default=True)
SECRETARIAT_IDLE_MINUTES = env.int("SECRETARIAT_IDLE_MINUTES", default=30)

# Password guessing (django-axes, labelling/lockout.py): a username is locked after this many
# failed log-ins, an address (a whole office behind one, too) after more, each counting the
# failures that follow one another within LOGIN_LOCKOUT_MINUTES; the lock lasts as long after
# the last counted failure (later tries during the lock do not extend it). The secretariat
# unlocks earlier in the admin by deleting the access attempts.
LOGIN_FAILURE_LIMITS = {
    "username": env.int("LOGIN_FAILURES_PER_USERNAME", default=10),
    "ip_address": env.int("LOGIN_FAILURES_PER_ADDRESS", default=30),
}
AXES_LOCKOUT_PARAMETERS = list(LOGIN_FAILURE_LIMITS)
AXES_HANDLER = "labelling.lockout.LoginLockoutHandler"
AXES_FAILURE_LIMIT = "labelling.lockout.failure_limit"
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success leaves the failures counted: resetting them would also reset the address's count,
# so one valid account would let its owner guess the others' passwords without end.
AXES_RESET_ON_SUCCESS = False
# The site's log-in form (allauth's) names the e-mail field "login", the admin's "username".
AXES_USERNAME_CALLABLE = "labelling.lockout.username_tried"
AXES_CLIENT_IP_CALLABLE = "labelling.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "labelling.lockout.lockout_response"
# Every failure stays listed in the admin (access failures) after its attempt is unlocked.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
# English pages write dates the European way (config/formats/en): 31 May 2031, not May 31.
FORMAT_MODULE_PATH = ["config.formats"]
# Methodology texts and sector names carry a column per language (django-modeltranslation);
# a text without German reads in English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": env.str(
            "DEFAULT_FILE_STORAGE_BACKEND",
            default="django.core.files.storage.FileSystemStorage",
        ),
    },
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        ),
    },
}
# Files on S3 or an S3-compatible store (MinIO, Ceph, a cloud's) with django-storages, so that
# web processes and workers on other hosts share them: STORAGE_BACKEND=s3 and the AWS_* keys.
# The files stay private (no public ACL); every download passes the site's permission check.
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="filesystem")
if STORAGE_BACKEND == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # MinIO and most compatible stores address buckets by path, not by host name.
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            # A name taken is never overwritten: a certificate's files are kept as issued.
            "file_overwrite": False,
        },
    }
elif STORAGE_BACKEND != "filesystem":
    raise ImproperlyConfigured("STORAGE_BACKEND is filesystem or s3.")

# Largest evidence file accepted (assessments/services/evidence.py); larger ones answer 413.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
# Evidence files of a closed application are removed this many days after its last state change
# (assessments/services/retention.py; never before the appeal window ends); the records stay.
EVIDENCE_RETENTION_DAYS = env.int("EVIDENCE_RETENTION_DAYS", default=3 * 365)

# Scheme settings for the work's due dates (labelling.models.Deadline): days from the moment the
# work becomes due; the secretariat may move one case's date. Reminders go this many days
# before and after the due date, at most REMINDER_LIMIT per deadline; then the deadline is
# escalated to the secretariat.
DEADLINE_DAYS = {
    "respond": env.int("DEADLINE_RESPOND_DAYS", default=5),
    "score": env.int("DEADLINE_SCORE_DAYS", default=21),
    "answer": env.int("DEADLINE_ANSWER_DAYS", default=10),
    "complete": env.int("DEADLINE_COMPLETE_DAYS", default=30),
    "consensus": env.int("DEADLINE_CONSENSUS_DAYS", default=10),
    "decide": env.int("DEADLINE_DECIDE_DAYS", default=14),
}
REMINDER_DAYS_BEFORE = env.list("REMINDER_DAYS_BEFORE", cast=int, default=[3])
REMINDER_DAYS_AFTER = env.list("REMINDER_DAYS_AFTER", cast=int, default=[1, 7])
REMINDER_LIMIT = env.int("REMINDER_LIMIT", default=3)
# Bulk assignment refuses an expert who already has this many open assignments.
EXPERT_MAX_OPEN_ASSIGNMENTS = env.int("EXPERT_MAX_OPEN_ASSIGNMENTS", default=6)
# Reports and decision letters call the experts "Expert A", "Expert B" unless the scheme names
# them.
REPORT_NAMES_EXPERTS = env.bool("REPORT_NAMES_EXPERTS", default=False)

# PAdES signing of certificates and reports (reports/pdf/signing.py): PEM or DER files. Unset,
# a self-signed development key is generated once under VAR_DIR/signing; production requires them.
CERTIFICATE_SIGNING_KEY = env.str("CERTIFICATE_SIGNING_KEY", default="")
CERTIFICATE_SIGNING_CERT = env.str("CERTIFICATE_SIGNING_CERT", default="")
CERTIFICATE_SIGNING_CHAIN = env.str("CERTIFICATE_SIGNING_CHAIN", default="")
CERTIFICATE_SIGNING_KEY_PASSPHRASE = env.str("CERTIFICATE_SIGNING_KEY_PASSPHRASE", default="")
CERTIFICATE_SIGNING_LOCATION = env.str("CERTIFICATE_SIGNING_LOCATION", default="")
# The only files a certificate or report may load while it is rendered (reports.pdf.render).
PDF_RESOURCE_DIRS = [BASE_DIR / "static"]
# Ed25519 keys (PEM files) of the credentials the scheme issues, published in its DID document
# (/.well-known/did.json): the first signs, the others are retired keys kept so that what they
# signed still verifies. Unset, a development key is generated under VAR_DIR.
CREDENTIAL_SIGNING_KEYS = env.list("CREDENTIAL_SIGNING_KEYS", default=[])
# How long verifiers may keep a status list before asking again (its Cache-Control and ttl): a
# revocation reaches them within this plus the publication's few seconds.
STATUS_LIST_MAX_AGE_SECONDS = env.int("STATUS_LIST_MAX_AGE_SECONDS", default=15)
# The certificate's signatory and images (scheme settings). The images are files under
# PDF_RESOURCE_DIRS, given relative to the project (e.g. "static/img/scheme-logo.svg"); the
# renderer refuses anything else.
CERTIFICATE_SIGNATORY_NAME = env.str("CERTIFICATE_SIGNATORY_NAME", default="")
# The scheme's name as the issuer of credentials shared elsewhere (LinkedIn's "add to profile").
CERTIFICATE_ISSUER_NAME = env.str("CERTIFICATE_ISSUER_NAME", default="Cluster Excellence Labels")
CERTIFICATE_SIGNATORY_FUNCTION = env.str("CERTIFICATE_SIGNATORY_FUNCTION", default="")
CERTIFICATE_LOGO = env.str("CERTIFICATE_LOGO", default="")
CERTIFICATE_SIGNATURE_IMAGE = env.str("CERTIFICATE_SIGNATURE_IMAGE", default="")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if env.str("EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = env.str("EMAIL_BACKEND")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Labelling secretariat <labels@localhost>"
)

# Celery: without a broker URL every task runs in-process, right after the commit that queued it.
REDIS_URL = env.str("REDIS_URL", default="")
# Even eager tasks take a producer from the broker; naming the in-memory broker's host stops
# kombu warning "No hostname was supplied" on the first task of every process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="clusterlabel")
# Rendering PDFs is the heavy work: RENDER_QUEUE=pdf sends it to workers of its own (started
# with -Q pdf, on hosts sized for it); by default it shares the one queue.
CELERY_TASK_ROUTES = {
    "reports.render_certificate": {
        "queue": env.str("RENDER_QUEUE", default="") or CELERY_TASK_DEFAULT_QUEUE
    },
}
# A task is acknowledged only when it finished, so a crashed worker's task is delivered again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# With Redis, a message whose worker died unacknowledged comes back after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
# An effect sent to the workers but not finished after this long is sent again (its message was
# lost); longer than the broker's own redelivery of an unacknowledged message.
EFFECT_REDELIVERY_SECONDS = env.int("EFFECT_REDELIVERY_SECONDS", default=3900)
CELERY_BEAT_SCHEDULE = {
    # The outbox: follow-ups the broker could not take at their commit go out within a minute.
    "sweep-effects": {"task": "labelling.sweep_effects", "schedule": 30},
    "expire-labels": {"task": "reports.expire_labels", "schedule": 6 * 3600},
    # The credentials' status lists: published at each change through the outbox; this catches
    # a change that did not pass through a transition (e.g. one made in a database shell).
    "publish-status-lists": {"task": "reports.publish_status_lists", "schedule": 60},
    # Due dates: reminders before and after, then escalation (labelling.deadlines).
    "send-reminders": {"task": "labelling.send_reminders", "schedule": 3600},
    "send-expiry-reminders": {"task": "reports.send_expiry_reminders", "schedule": 6 * 3600},
    "requeue-stalled-certificates": {
        "task": "reports.requeue_stalled_certificates",
        "schedule": 300,
    },
    "purge-expired-evidence": {"task": "assessments.purge_expired_evidence", "schedule": 86400},
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Token first: its WWW-Authenticate header makes a missing login a 401 rather than a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "labelling.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "labelling.api_errors.problem_exception_handler",
    # DRF's own, but JSON bodies with 1E+400 or \u0000 are refused as bad input (400).
    "DEFAULT_PARSER_CLASSES": [
        "labelling.api_parsers.StrictJSONParser",
        "labelling.api_parsers.StrictFormParser",
        "labelling.api_parsers.StrictMultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    # The public views set their own scope ("public"); every other view counts per person, or
    # per address without credentials. Failed token logins are counted per address on their own.
    "DEFAULT_THROTTLE_CLASSES": [
        "labelling.api_throttling.AnonThrottle",
        "labelling.api_throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "public": env.str("PUBLIC_API_THROTTLE_RATE", default="120/minute"),
        "anon": env.str("API_ANON_THROTTLE_RATE", default="60/minute"),
        "user": env.str("API_USER_THROTTLE_RATE", default="600/minute"),
        "failed_token": env.str("API_FAILED_TOKEN_THROTTLE_RATE", default="10/minute"),
    },
    # How many reverse proxies append to X-Forwarded-For: 0 trusts only the connection's address,
    # so that a client cannot pick its own address to escape the throttles.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}
# The throttles count in the cache: here each process counts its own requests; production
# shares Redis between processes (config.settings_production).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
#: How long a public page or answer is kept at most (reports.public_cache); 0 keeps none.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=300)
SPECTACULAR_SETTINGS = {
    "TITLE": "Cluster management excellence labels API",
    "DESCRIPTION": (
        "Public registry of labels and certificate verification; organisations and "
        "applications for their managers, experts and the secretariat (personal API token "
        "as `Authorization: Bearer <key>`). Errors are RFC 9457 problem details."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "OutcomeEnum": "labelling.models.Outcome",
        # Applications, labels and certificates each have a "state" of their own.
        "ApplicationStateEnum": "labelling.models.ApplicationState",
        "LabelStateEnum": "reports.models.LabelState",
        "CertificateStateEnum": "reports.models.CertificateState",
        "OrganisationStateEnum": "labelling.models.OrganisationState",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "labelling.api_schema.problem_responses",
    ],
}

# A certificate left "rendering" this long by a worker that died may be taken over by another.
CERTIFICATE_RENDER_LEASE_SECONDS = env.int("CERTIFICATE_RENDER_LEASE_SECONDS", default=300)
CERTIFICATE_NUMBER_PREFIX = env.str("CERTIFICATE_NUMBER_PREFIX", default="CL")

# Logs: structlog (django-structlog), one line per event with the request id, as JSON for a log
# collector (LOG_FORMAT=json, production's default) or readable on a terminal (console).
LOG_FORMAT = env.str("LOG_FORMAT", default="console")
# Client addresses are personal data: logged only when asked for (the lockout keeps its own).
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = env.bool("LOG_CLIENT_IP", default=False)
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# The reverse proxy's X-Request-ID names the request in its log and ours alike: trusted only when
# set (LOG_TRUST_UPSTREAM_REQUEST_ID=true), for a proxy that overwrites the client's header;
# without one, any client could name its requests after another's.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = env.bool(
    "LOG_TRUST_UPSTREAM_REQUEST_ID", default=False
)
# The workers log through LOGGING too (JSON lines with the request id), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.filter_by_level,
        structlog.processors.TimeStamper(fmt="iso"),
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
        structlog.processors.UnicodeDecoder(),
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)
_FOREIGN_PRE_CHAIN = [
    # Lines from logging (Django, Celery, libraries) get the same fields as structlog's own.
    structlog.contextvars.merge_contextvars,
    structlog.processors.TimeStamper(fmt="iso"),
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.stdlib.ExtraAdder(),
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": structlog.processors.JSONRenderer(),
            "foreign_pre_chain": _FOREIGN_PRE_CHAIN,
        },
        "console": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": structlog.dev.ConsoleRenderer(colors=False),
            "foreign_pre_chain": _FOREIGN_PRE_CHAIN,
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # One line per task run in-process is noise; a worker started with -l sets its own level.
    "loggers": {
        "celery.app.trace": {"level": "WARNING"},
        # WeasyPrint's rendering steps and font subsetting, line by line.
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # Axes' start-up banner and every successful log-in; failures and lockouts are warnings.
        "axes": {"level": "WARNING"},
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # One line per request and per task (with its id) at INFO is the production record;
        # in a terminal it is noise next to runserver's own line.
        "django_structlog": {"level": env.str("REQUEST_LOG_LEVEL", default="WARNING")},
    },
}

# Errors to Sentry when SENTRY_DSN is set (off by default): the web process and the workers,
# without personal data (no cookies, addresses or bodies).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        send_default_pii=False,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# /metrics (Prometheus): for the monitoring system only, by token or by address.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])

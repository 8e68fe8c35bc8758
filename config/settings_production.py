"""Production settings: everything that matters must come from the environment.

Required: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, CERTIFICATE_SIGNING_KEY and
CERTIFICATE_SIGNING_CERT. Passes ``check --deploy``.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.settings import *  # noqa: F403 (production extends the base settings)
from config.settings import CERTIFICATE_SIGNING_CERT, CERTIFICATE_SIGNING_KEY, REST_FRAMEWORK, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
if SECRET_KEY.startswith("dev-insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# Certificates anyone relies on are never signed with the generated development key.
_missing_signing_files = [
    name
    for name, path in (
        ("CERTIFICATE_SIGNING_KEY", CERTIFICATE_SIGNING_KEY),
        ("CERTIFICATE_SIGNING_CERT", CERTIFICATE_SIGNING_CERT),
    )
    if not path or not Path(path).is_file()
]
if _missing_signing_files:
    raise ImproperlyConfigured(
        f"{' and '.join(_missing_signing_files)} must name the secretariat's signing key and "
        "certificate (PEM files that exist); production does not sign with a development key."
    )
DATABASES = {"default": env.db_url("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
REDIS_URL = env.str("REDIS_URL")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = False
# Shared by every process, so that the API's throttles count a client's requests once.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}
# One JSON object per log line, for the log collector; a line per request and per task.
LOGGING["handlers"]["console"]["formatter"] = env.str("LOG_FORMAT", default="json")  # noqa: F405
LOGGING["loggers"]["django_structlog"]["level"] = env.str(  # noqa: F405
    "REQUEST_LOG_LEVEL", default="INFO"
)
# Production runs behind one reverse proxy (see SECURE_PROXY_SSL_HEADER): the client's address,
# which the throttles and the log-in lockout (labelling.lockout) count by, is the last one it
# appends to X-Forwarded-For.
REST_FRAMEWORK["NUM_PROXIES"] = env.int("API_NUM_PROXIES", default=1)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
STORAGES["staticfiles"]["BACKEND"] = env.str(  # noqa: F405 (from the base settings)
    "STATICFILES_STORAGE_BACKEND",
    default="whitenoise.storage.CompressedManifestStaticFilesStorage",
)

"""Settings for the test suite: SQLite by default, PostgreSQL and Redis when their URLs are set."""

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, SQLITE_DATABASE, VAR_DIR, env

DEBUG = False
SECRET_KEY = "test-only-not-secret-key-for-the-importorders-test-suite-0123456789"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: tests create many users
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
PRIVATE_STORAGE_ROOT = VAR_DIR / "test-private"
ALLOWED_HOSTS = ["*"]

VAR_DIR.mkdir(exist_ok=True)  # the SQLite test database and artifacts live here, even on a fresh checkout

if DATABASES["default"] is SQLITE_DATABASE:
    # A file, not :memory:, so that a live server or worker thread sees the same data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# Tests opt in to a real worker; everything else runs tasks eagerly.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
if env("REDIS_URL", default=""):
    CACHES["default"]["KEY_PREFIX"] = "importorders-test"  # noqa: F405

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PORTAL_BASE_URL = "https://orders.example.jp"

# Serve static files from the finders: tests never run collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

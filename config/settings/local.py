"""Settings for `make run`: the embedded default on a developer's machine."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A fixed development key: local.py is never used in production (production.py has no default).
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-not-secret-importorders-local-settings-key")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

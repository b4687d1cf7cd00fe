"""One version stamp for the whole catalog: any change to a catalog row bumps it on commit.

Catalog reads (API lists, trim pages) are cached under keys that include the stamp, so a change
anywhere in the catalog (a price, a rule, a recognition, an FX rate) makes every cached read
stale at once, in every process, without enumerating what depends on what.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "catalog:version"


def catalog_version() -> str:
    """The current stamp (one cache read); created on first use."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def catalog_changed(**kwargs) -> None:
    """Bump the stamp when the current transaction commits (post_save/post_delete receiver)."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None))


def connect_catalog_signals() -> None:
    """Bump on every save and delete of every catalog model (history rows excluded)."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for model in apps.get_app_config("catalog").get_models():
        if model.__name__.startswith("Historical"):
            continue
        uid = f"catalog-version-{model.__name__}"
        post_save.connect(catalog_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"{uid}-delete")

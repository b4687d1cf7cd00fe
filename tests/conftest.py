"""Fixtures every test folder shares. App folders add their own conftest beside their tests."""

import os
import shutil
from pathlib import Path

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls
# there (even test database creation fails without this).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from core import clock as core_clock
from tests.clock import RUN_INSTANT
from tests.factories import UserFactory
from tests.permissions import world  # noqa: F401  (the shared callers fixture)
from tests.services import require_service

ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "var" / "artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def clock():
    """The one clock, frozen at the run's instant for this test (see tests/clock.py)."""
    with core_clock.pinned(RUN_INSTANT) as frozen:
        yield frozen


@pytest.fixture(autouse=True)
def language_default():
    """Every test starts and ends with no language activated: the default, settings.LANGUAGE_CODE.

    A request through LocaleMiddleware (or a translation.activate) leaves its language active in
    the thread after it answers; without this a test would see the language of the one before it.
    """
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def api_client() -> APIClient:
    """An API client with no credentials."""
    return APIClient()


@pytest.fixture
def user(db):
    """A plain signed-up user with no dealer and no back-office role."""
    return UserFactory()


@pytest.fixture
def user_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def artifacts_dir() -> Path:
    """Where tests leave files for people to look at (screenshots); kept after the run."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's chromium: Playwright's own browser download is not available here."""
    if not shutil.which(CHROMIUM):
        require_service(
            "chromium", available=False, how=f"install it: apt-get install -y chromium ({CHROMIUM})"
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis that real-worker tests use; skipped outside CI when absent, a failure in CI."""
    from django.conf import settings

    url = settings.REDIS_URL
    available = False
    if url:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
            available = True
        except redis.RedisError:
            available = False
    require_service(
        "redis",
        available=available,
        how="set REDIS_URL to a running Redis, e.g. REDIS_URL=redis://127.0.0.1:6379/0",
    )
    return url


def pytest_generate_tests(metafunc):
    from tests.permissions import permission_suite_parametrize

    permission_suite_parametrize(metafunc)


@pytest.fixture(autouse=True, scope="session")
def catalog_rows_written_directly_are_seen():
    """Tests write catalog rows with factories and `save()`, not through the catalog's services
    (which bump its stamp): forget this process's kept catalog reads whenever one is saved or
    deleted, as a service's write would. Test harness only; the product has no such signal."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from catalog import versioning

    def forget(sender, **kwargs):
        versioning.kept_clear()

    for model in apps.get_app_config("catalog").get_models():
        post_save.connect(forget, sender=model, weak=False, dispatch_uid=f"kept-{model._meta.label}")
        post_delete.connect(forget, sender=model, weak=False, dispatch_uid=f"kept-del-{model._meta.label}")

    # And the bulk writes that send no signal (`QuerySet.update()` and the like).
    from django.db.models.query import QuerySet

    originals = {name: getattr(QuerySet, name) for name in ("update", "bulk_create", "bulk_update", "delete")}

    def forgetting(original):
        def write(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            if self.model._meta.app_label == "catalog":
                versioning.kept_clear()
            return result

        return write

    for name, original in originals.items():
        setattr(QuerySet, name, forgetting(original))
    yield
    for name, original in originals.items():
        setattr(QuerySet, name, original)


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """A cache namespace per test: throttle and rate-limit counters never leak between tests."""
    import copy
    import uuid

    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = caches
    # Process-level memos that sit in front of the cache start empty too.
    from catalog import versioning
    from catalog.api.views import response_cache
    from core import ratelimit
    from importorders.order_cache import order_response_cache

    versioning._memo = None
    versioning.kept_clear()
    response_cache.clear()
    order_response_cache.clear()
    ratelimit._local.clear()  # counters kept in memory while Redis is down


@pytest.fixture
def worker_queue(redis_url, transactional_db):
    """A real Celery worker thread consuming a queue of its own (tests may share one Redis)."""
    import uuid

    import celery.contrib.testing.tasks  # noqa: F401  (registers the ping task the test worker expects)
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    queue = f"test-{uuid.uuid4().hex}"
    previous = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
    app.conf.task_always_eager = False
    app.conf.broker_url = redis_url
    app.conf.result_backend = redis_url
    try:
        with start_worker(app, pool="solo", queues=[queue], perform_ping_check=False, shutdown_timeout=10):
            yield queue
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = previous

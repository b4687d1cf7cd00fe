"""A key revoked while it is being used: from the next request on, every request is refused.

Six threads use one key through the real authentication path (the throttle's precounted cache
read, the key lookup, the recorded use) while the main thread revokes it, all released by a
barrier. A request that starts after the revocation has returned and is still let in fails the
trial; so does a key that still resolves once the threads have stopped. The threads live for the
whole run and keep their database connections; every trial uses a fresh key, so each one races the
first lookups (cache misses, database reads) as well as cached ones.

REVOCATION_TRIALS sets the number of trials (1,000 by default, as in CI).
"""

from __future__ import annotations

import os
import random
import threading
from dataclasses import dataclass, field

import pytest
from django.db import connections
from django.test import RequestFactory
from rest_framework import exceptions
from rest_framework.request import Request

from core.api.authentication import ApiKeyAuthentication
from importorders.identity import principal_for_key
from importorders.services.dealers import DealerChanges, dealer_update
from importorders.services.keys import api_key_revoke, dealer_key_issue
from tests.factories import TEST_ACTOR, DealerFactory

TRIALS = int(os.environ.get("REVOCATION_TRIALS", "1000"))
USERS = 6
AFTER = 1  # requests each thread makes after the revocation has returned: the next one is the test


@dataclass
class Trial:
    raw: str = ""
    revoked: threading.Event = field(default_factory=threading.Event)
    late_admissions: int = 0
    after_counts: list[int] = field(default_factory=lambda: [0] * USERS)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _admitted(raw: str) -> bool:
    request = Request(RequestFactory().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Api-Key {raw}"))
    try:
        return ApiKeyAuthentication().authenticate(request) is not None
    except (exceptions.AuthenticationFailed, exceptions.Throttled):
        return False


def _run_trials(settings, change, trials: int) -> tuple[int, int, int]:
    """(trials with a late admission, trials whose key still resolved after, requests made)."""
    settings.API_BAD_KEY_LIMIT = (10**9, 300)  # refused requests must not turn into 429s here
    dealer = DealerFactory()
    start, done = threading.Barrier(USERS + 1), threading.Barrier(USERS + 1)
    current: list[Trial | None] = [None]
    requests = [0]
    errors: list[BaseException] = []

    def user(index: int) -> None:
        try:
            while True:
                start.wait(timeout=30)
                trial = current[0]
                if trial is None:
                    return
                while trial.after_counts[index] < AFTER:
                    after = trial.revoked.is_set()  # read before the request starts
                    admitted = _admitted(trial.raw)
                    with trial.lock:
                        requests[0] += 1
                        if after:
                            trial.after_counts[index] += 1
                            trial.late_admissions += admitted
                done.wait(timeout=30)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            start.abort()
            done.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(USERS)]
    for thread in threads:
        thread.start()
    late, lingering = 0, 0
    try:
        for _ in range(trials):
            key, raw = dealer_key_issue(dealer=dealer, name="dms", actor=TEST_ACTOR)
            trial = current[0] = Trial(raw=raw)
            start.wait(timeout=30)
            if random.random() < 0.7:  # noqa: S311 - a jitter, not a secret
                threading.Event().wait(random.uniform(0, 0.002))  # noqa: S311
            change(dealer, key)
            trial.revoked.set()
            done.wait(timeout=30)
            late += trial.late_admissions > 0
            lingering += principal_for_key(raw) is not None
            if change is not _revoke:
                dealer_update(dealer=dealer, actor=TEST_ACTOR, changes=DealerChanges(active=True))
    finally:
        current[0] = None
        if not start.broken:
            start.wait(timeout=30)
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    return late, lingering, requests[0]


def _revoke(dealer, key) -> None:
    api_key_revoke(key=key, actor=TEST_ACTOR)


def _deactivate(dealer, key) -> None:
    dealer_update(dealer=dealer, actor=TEST_ACTOR, changes=DealerChanges(active=False))


@pytest.mark.parametrize(
    ("change", "trials"),
    [(_revoke, TRIALS), (_deactivate, max(TRIALS // 10, 1))],
    ids=["revoke", "deactivate"],
)
def test_a_change_takes_effect_from_the_next_request_in_every_trial(
    transactional_db, settings, change, trials
):
    late, lingering, requests = _run_trials(settings, change, trials)

    print(f"{trials} trials, {requests} requests: {late} late admissions, {lingering} keys still resolving")
    assert (late, lingering) == (0, 0)

"""API keys resolve to callers; bad, revoked, expired or orphaned keys resolve to nothing."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from importorders.identity import principal_for_key
from importorders.models import DealerAPIKey, PartnerAPIKey
from importorders.services.dealers import DealerChanges, dealer_update
from importorders.services.keys import api_key_revoke, api_keys_delete, dealer_key_issue, partner_key_issue
from tests.factories import TEST_ACTOR, DealerFactory, PartnerFactory
from tests.queries import assert_query_count

pytestmark = pytest.mark.django_db


def test_keys_carry_their_kind_in_the_prefix():
    dealer_key, raw_dealer = dealer_key_issue(dealer=DealerFactory(), name="dms", actor=TEST_ACTOR)
    partner_key, raw_partner = partner_key_issue(partner=PartnerFactory(), name="edi", actor=TEST_ACTOR)

    assert raw_dealer.startswith(dealer_key.prefix + ".")
    assert dealer_key.prefix[0] == "d"
    assert raw_partner.startswith(partner_key.prefix + ".")
    assert partner_key.prefix[0] == "p"
    assert raw_dealer.split(".")[1] not in dealer_key.hashed_key


def test_a_valid_key_resolves_with_one_query_and_records_its_use():
    key, raw = dealer_key_issue(dealer=DealerFactory(), name="dms", actor=TEST_ACTOR)

    with assert_query_count(2):  # lookup, last-used update
        principal, resolved = principal_for_key(raw)

    assert (resolved.pk, resolved.kind, resolved.owner_code) == (key.pk, "dealer_key", key.dealer.code)
    assert principal.is_authenticated
    assert not principal.is_staff
    assert DealerAPIKey.objects.get(pk=key.pk).last_used_at is not None


def test_a_cached_key_needs_no_query_and_last_use_is_written_at_most_every_five_minutes(clock):
    key, raw = dealer_key_issue(dealer=DealerFactory(), name="dms", actor=TEST_ACTOR)
    principal_for_key(raw)

    with assert_query_count(0):  # facts cached, use recorded a moment ago
        principal_for_key(raw)

    cache.delete(f"apikey:{key.prefix}")  # the cache entry expired
    with assert_query_count(1):  # lookup; the recorded use is recent: no write
        principal_for_key(raw)

    clock.advance(minutes=4, seconds=59)
    cache.delete(f"apikey:{key.prefix}")
    with assert_query_count(1):  # lookup; used under five minutes ago: no write
        principal_for_key(raw)

    clock.advance(seconds=1)
    cache.delete(f"apikey:{key.prefix}")
    with assert_query_count(2):  # lookup, last-used update
        principal_for_key(raw)
    assert DealerAPIKey.objects.get(pk=key.pk).last_used_at == clock.now()


def test_revoking_a_cached_key_takes_effect_on_commit(django_capture_on_commit_callbacks):
    key, raw = dealer_key_issue(dealer=DealerFactory(), name="dms", actor=TEST_ACTOR)
    assert principal_for_key(raw) is not None

    with django_capture_on_commit_callbacks(execute=True):
        api_key_revoke(key=key, actor=TEST_ACTOR)

    assert principal_for_key(raw) is None


def test_deactivating_the_owner_of_a_cached_key_takes_effect_on_commit(django_capture_on_commit_callbacks):
    dealer = DealerFactory()
    _, raw = dealer_key_issue(dealer=dealer, name="dms", actor=TEST_ACTOR)
    assert principal_for_key(raw) is not None

    with django_capture_on_commit_callbacks(execute=True):
        dealer_update(dealer=dealer, actor=TEST_ACTOR, changes=DealerChanges(active=False))

    assert principal_for_key(raw) is None


def test_an_expiry_passing_while_cached_takes_effect_at_once(clock):
    _key, raw = dealer_key_issue(
        dealer=DealerFactory(),
        name="dms",
        expires_at=clock.now() + timedelta(seconds=60),
        actor=TEST_ACTOR,
    )
    assert principal_for_key(raw) is not None

    clock.advance(seconds=59)
    assert principal_for_key(raw) is not None  # cached, still valid
    clock.advance(seconds=2)
    assert principal_for_key(raw) is None  # the same cached facts, now past their expiry


@pytest.mark.parametrize(
    "raw",
    ["", "garbage", "dABCDEFG", "dABCDEFG.", "xABCDEFG.secret", "dABC.secret", "dABCDEFG.wrong-secret"],
)
def test_malformed_or_unknown_keys_resolve_to_nothing(raw):
    assert principal_for_key(raw) is None


def test_a_right_prefix_with_a_wrong_secret_resolves_to_nothing():
    key, _raw = partner_key_issue(partner=PartnerFactory(), name="edi", actor=TEST_ACTOR)

    assert principal_for_key(f"{key.prefix}.{'x' * 32}") is None
    assert PartnerAPIKey.objects.get(pk=key.pk).last_used_at is None


def test_revoked_expired_and_inactive_owner_keys_resolve_to_nothing(clock):
    dealer = DealerFactory()
    revoked, raw_revoked = dealer_key_issue(dealer=dealer, name="old", actor=TEST_ACTOR)
    api_key_revoke(key=revoked, actor=TEST_ACTOR)
    _, raw_expired = dealer_key_issue(
        dealer=dealer, name="exp", expires_at=clock.now() - timedelta(seconds=1), actor=TEST_ACTOR
    )
    inactive = PartnerFactory(active=False)
    _, raw_inactive = partner_key_issue(partner=inactive, name="edi", actor=TEST_ACTOR)

    assert principal_for_key(raw_revoked) is None
    assert principal_for_key(raw_expired) is None
    assert principal_for_key(raw_inactive) is None


def test_a_dealer_key_prefix_is_never_looked_up_among_partner_keys():
    _key, raw = partner_key_issue(partner=PartnerFactory(), name="edi", actor=TEST_ACTOR)

    assert principal_for_key("d" + raw[1:]) is None


def test_revoking_cannot_be_undone():
    from django.core.exceptions import ValidationError

    key, _ = dealer_key_issue(dealer=DealerFactory(), name="dms", actor=TEST_ACTOR)
    api_key_revoke(key=key, reason="leaked", actor=TEST_ACTOR)
    key = DealerAPIKey.objects.get(pk=key.pk)
    key.revoked = False

    with pytest.raises(ValidationError):
        key.save()
    assert DealerAPIKey.objects.get(pk=key.pk).revoked is True
    assert key.history.first().history_change_reason == "leaked"


def test_a_deleted_key_fails_on_the_very_next_request(world, django_capture_on_commit_callbacks):
    client = world.client("dealer_key")
    assert client.get("/api/v1/me/").status_code == 200  # its facts are now cached

    with django_capture_on_commit_callbacks(execute=True):
        api_keys_delete(keys=DealerAPIKey.objects.filter(dealer=world.dealer, name="dms"), actor=TEST_ACTOR)

    assert client.get("/api/v1/me/").status_code == 401


def test_a_revoked_key_fails_on_the_very_next_request(world, django_capture_on_commit_callbacks):
    client = world.client("dealer_key")
    assert client.get("/api/v1/me/").status_code == 200
    key = DealerAPIKey.objects.get(prefix=world.keys["dealer_key"].split(".")[0])

    with django_capture_on_commit_callbacks(execute=True):
        api_key_revoke(key=key, actor=TEST_ACTOR, reason="leaked")

    assert client.get("/api/v1/me/").status_code == 401


# --- A change racing a lookup in flight: the lookup must not leave the old facts in the cache ------


@pytest.fixture
def change_midway(monkeypatch, django_capture_on_commit_callbacks):
    """arrange(point, change): the next lookup runs `change()` (committed, with its on-commit work)
    midway, at `point`: "_snapshot" (after reading the database) or "_touch" (before recording the
    use, which rewrites the cached facts). Only once: later lookups run undisturbed."""
    from importorders import identity

    def arrange(point: str, change) -> None:
        original = getattr(identity, point)

        def then_change(*args, **kwargs):
            monkeypatch.setattr(identity, point, original)
            if point == "_snapshot":
                result = original(*args, **kwargs)
                with django_capture_on_commit_callbacks(execute=True):
                    change()
                return result
            with django_capture_on_commit_callbacks(execute=True):
                change()
            return original(*args, **kwargs)

        monkeypatch.setattr(identity, point, then_change)

    return arrange


@pytest.mark.parametrize("change", ["revoke", "deactivate dealer"])
def test_a_lookup_that_read_the_database_before_a_change_cannot_cache_the_old_facts(change_midway, change):
    dealer = DealerFactory()
    key, raw = dealer_key_issue(dealer=dealer, name="dms", actor=TEST_ACTOR)
    changes = {
        "revoke": lambda: api_key_revoke(key=key, actor=TEST_ACTOR),
        "deactivate dealer": lambda: dealer_update(
            dealer=dealer, actor=TEST_ACTOR, changes=DealerChanges(active=False)
        ),
    }
    change_midway("_snapshot", changes[change])

    assert principal_for_key(raw) is not None  # this request began before the change: it may pass

    assert principal_for_key(raw) is None  # every later one is refused


def test_a_use_recorded_after_a_revocation_does_not_bring_the_key_back(change_midway, clock):
    key, raw = dealer_key_issue(dealer=DealerFactory(), name="dms", actor=TEST_ACTOR)
    assert principal_for_key(raw) is not None  # cached, use recorded
    clock.advance(minutes=5)  # the next use records itself again, rewriting the cached facts
    change_midway("_touch", lambda: api_key_revoke(key=key, actor=TEST_ACTOR))

    assert principal_for_key(raw) is not None  # read from the cache before the revocation

    assert principal_for_key(raw) is None


def test_after_a_change_lookups_read_the_database_until_the_fence_lifts(django_capture_on_commit_callbacks):
    dealer = DealerFactory()
    _key, raw = dealer_key_issue(dealer=dealer, name="dms", actor=TEST_ACTOR)
    principal_for_key(raw)
    with django_capture_on_commit_callbacks(execute=True):
        dealer_update(dealer=dealer, actor=TEST_ACTOR, changes=DealerChanges(phone="03-1111-2222"))

    for _ in range(2):
        with assert_query_count(1):  # fenced: read, not cached
            assert principal_for_key(raw) is not None
    cache.delete(f"apikey-fence:{_key.prefix}")  # the fence expired
    principal_for_key(raw)
    with assert_query_count(0):
        assert principal_for_key(raw) is not None

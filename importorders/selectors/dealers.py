"""Reads of dealers, always scoped to the caller."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from core.callers import Caller
from core.scoping import get_scoped_or_404, scoped, selector
from importorders.models import Dealer, DealerAPIKey, DealerMembership


@selector
def dealer_list(*, caller: Caller) -> QuerySet[Dealer]:
    """Dealers the caller may see."""
    return scoped(Dealer, caller)


def dealer_get(*, caller: Caller, code: str) -> Dealer:
    """One dealer with the people and keys the caller may see (NotFound if not theirs)."""
    queryset = scoped(Dealer, caller).prefetch_related(
        Prefetch(
            "memberships",
            queryset=scoped(DealerMembership, caller).select_related("user").order_by("user__username"),
            to_attr="visible_memberships",
        ),
        Prefetch(
            "api_keys", queryset=scoped(DealerAPIKey, caller).order_by("-created"), to_attr="visible_keys"
        ),
    )
    return get_scoped_or_404(queryset, caller, code=code)


def dealer_of_caller(*, caller: Caller) -> Dealer:
    """The dealer a dealer's person or integration key acts for (NotFound for anyone else)."""
    return get_scoped_or_404(Dealer, caller, pk=caller.dealer_id)

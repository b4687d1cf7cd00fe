"""Writes on price lists: publishing and changing a published list's period, never overlapping.

Published lists of one scope (maker, or maker + model) must not share a day. The check runs under
a lock on the maker row, the anchor every list of that maker hangs from, so two publishers of the
same scope queue up instead of both passing the check (on SQLite, IMMEDIATE transactions
serialise writers and select_for_update is a no-op). No database constraint can express the rule
on both databases, so the service is the guard.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.errors import PriceListOverlap
from catalog.models import Maker, PriceList, PriceListStatus
from catalog.selectors.pricing import price_lists_overlapping
from core.errors import ValidationFailed


def _lock_maker_and_list(price_list_id: int) -> PriceList:
    """Lock the list's maker row (the scope anchor), then the list itself; returns the fresh list."""
    maker_id = PriceList.objects.values_list("maker_id", flat=True).get(pk=price_list_id)
    list(Maker.objects.filter(pk=maker_id).order_by("pk").select_for_update(of=("self",), no_key=True))
    return PriceList.objects.select_for_update(of=("self",)).get(pk=price_list_id)


def _refuse_overlap(price_list: PriceList, effective_from: dt.date, effective_to: dt.date | None) -> None:
    clashes = list(
        price_lists_overlapping(
            maker_id=price_list.maker_id,
            vehicle_model_id=price_list.vehicle_model_id,
            effective_from=effective_from,
            effective_to=effective_to,
            exclude_id=price_list.pk,
        ).values_list("code", flat=True)
    )
    if clashes:
        raise PriceListOverlap(
            fields={
                "effective_from": [
                    _("Overlaps the published price list(s) %(codes)s.") % {"codes": ", ".join(clashes)}
                ]
            }
        )


def price_list_publish(*, price_list: PriceList) -> PriceList:
    """Publish a draft list, refusing if a published list of the same scope shares a day with it."""
    with transaction.atomic():
        price_list = _lock_maker_and_list(price_list.pk)
        if price_list.is_published:
            return price_list
        if not price_list.trim_prices.exists():
            raise ValidationFailed(
                code="price_list_empty",
                fields={"trim_prices": [_("A price list needs at least one trim price to be published.")]},
            )
        _refuse_overlap(price_list, price_list.effective_from, price_list.effective_to)
        price_list.status = PriceListStatus.PUBLISHED
        price_list.published_at = timezone.now()
        price_list.save(update_fields=["status", "published_at", "updated_at"])
    return price_list


def price_list_period_set(
    *, price_list: PriceList, effective_from: dt.date, effective_to: dt.date | None
) -> PriceList:
    """Change a list's period (e.g. end a published list before its successor starts)."""
    if effective_to is not None and effective_to <= effective_from:
        raise ValidationFailed(fields={"effective_to": [_("The end must come after the start.")]})
    with transaction.atomic():
        price_list = _lock_maker_and_list(price_list.pk)
        if price_list.is_published:
            _refuse_overlap(price_list, effective_from, effective_to)
        price_list.effective_from = effective_from
        price_list.effective_to = effective_to
        price_list.save(update_fields=["effective_from", "effective_to", "updated_at"])
    return price_list

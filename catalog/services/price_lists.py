"""Writes on price lists: publishing, changing a published list's period (never overlapping), and
copying a list into a new draft.

Published lists of one scope (maker, or maker + model) must not share a day. The check runs under
a lock on the maker row, the anchor every list of that maker hangs from, so two publishers of the
same scope queue up instead of both passing the check (on SQLite, IMMEDIATE transactions
serialise writers and select_for_update is a no-op). No database constraint can express the rule
on both databases, so the service is the guard.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.errors import PriceListOverlap
from catalog.locks import maker_lock, price_list_lock
from catalog.models import PriceList, PriceListStatus
from catalog.selectors.pricing import price_lists_overlapping
from catalog.services.price_import import price_list_export, price_list_import
from catalog.versioning import catalog_changed
from core import clock
from core.actors import Actor
from core.errors import ValidationFailed
from core.formatting import day_text
from core.history import history_actor_set


def _lock_maker_and_list(price_list: PriceList) -> PriceList:
    """Lock the list's maker row (the scope anchor), then the list itself; returns the fresh list."""
    maker_lock(price_list.maker_id)
    return price_list_lock(price_list.pk)


def overlap_message(clashes: list[PriceList], effective_from: dt.date) -> str:
    """Which published lists a period [effective_from, ...) overlaps, and how to make room: end
    the earlier list the day this one starts, or end this one the day the later list starts."""
    parts = [
        _("Overlaps the published price list(s) %(codes)s.") % {"codes": ", ".join(c.code for c in clashes)}
    ]
    for clash in clashes:
        if clash.effective_from < effective_from:
            parts.append(
                _(
                    "Fix: first end %(code)s: set its effective to %(start)s, so that it applies "
                    "until %(last_day)s."
                )
                % {
                    "code": clash.code,
                    "start": effective_from.isoformat(),
                    "last_day": day_text(effective_from - dt.timedelta(days=1)),
                }
            )
        else:
            parts.append(
                _(
                    "Fix: end this list before %(code)s starts: set its effective to %(start)s at the "
                    "latest, so that it applies until %(last_day)s."
                )
                % {
                    "code": clash.code,
                    "start": clash.effective_from.isoformat(),
                    "last_day": day_text(clash.effective_from - dt.timedelta(days=1)),
                }
            )
    return " ".join(parts)


def _refuse_overlap(price_list: PriceList, effective_from: dt.date, effective_to: dt.date | None) -> None:
    clashes = list(
        price_lists_overlapping(
            maker_id=price_list.maker_id,
            vehicle_model_id=price_list.vehicle_model_id,
            effective_from=effective_from,
            effective_to=effective_to,
            exclude_id=price_list.pk,
        )
    )
    if clashes:
        raise PriceListOverlap(fields={"effective_from": [overlap_message(clashes, effective_from)]})


def price_list_publish(*, price_list: PriceList, actor: Actor) -> PriceList:
    """Publish a draft list, refusing if a published list of the same scope shares a day with it."""
    with transaction.atomic():
        price_list = _lock_maker_and_list(price_list)
        if price_list.is_published:
            return price_list
        if not price_list.trim_prices.exists():
            raise ValidationFailed(
                code="price_list_empty",
                fields={"trim_prices": [_("A price list needs at least one trim price to be published.")]},
            )
        _refuse_overlap(price_list, price_list.effective_from, price_list.effective_to)
        price_list.status = PriceListStatus.PUBLISHED
        price_list.published_at = clock.now()
        history_actor_set(price_list, actor, reason="published")
        price_list.save(update_fields=["status", "published_at", "updated_at"])
        catalog_changed()
    return price_list


def price_list_period_set(
    *,
    price_list: PriceList,
    actor: Actor,
    effective_from: dt.date,
    effective_to: dt.date | None,
    note: str | None = None,
) -> PriceList:
    """Change a list's period (e.g. end a published list before its successor starts), and its note."""
    if effective_to is not None and effective_to <= effective_from:
        raise ValidationFailed(fields={"effective_to": [_("The end must come after the start.")]})
    with transaction.atomic():
        price_list = _lock_maker_and_list(price_list)
        if price_list.is_published:
            _refuse_overlap(price_list, effective_from, effective_to)
        changed = ["effective_from", "effective_to", "updated_at"]
        price_list.effective_from = effective_from
        price_list.effective_to = effective_to
        if note is not None:
            price_list.note = note
            changed.append("note")
        history_actor_set(price_list, actor, reason="period changed")
        price_list.save(update_fields=changed)
        catalog_changed()
    return price_list


def _copy_code(code: str) -> str:
    """A free code for a copy of list `code`: CODE-DRAFT, then CODE-DRAFT2, CODE-DRAFT3..."""
    base = f"{code[:34]}-DRAFT"
    candidate, number = base, 1
    while PriceList.objects.filter(code=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def price_list_copy_to_draft(*, price_list: PriceList, actor: Actor) -> PriceList:
    """A new draft list with the scope, period and every price of `price_list` (published or not),
    to change and publish in its place: a published list itself never changes.

    The prices are copied through the CSV import (the export of the source, applied to the new
    draft), so each row has its history naming `actor`, as an import's rows do.
    """
    with transaction.atomic():
        source = _lock_maker_and_list(price_list)
        draft = PriceList(
            code=_copy_code(source.code),
            maker_id=source.maker_id,
            vehicle_model_id=source.vehicle_model_id,
            effective_from=source.effective_from,
            effective_to=source.effective_to,
            status=PriceListStatus.DRAFT,
            note=_("Copy of %(code)s.") % {"code": source.code},
        )
        history_actor_set(draft, actor, reason=f"copied from {source.code}")
        draft.save()
        price_list_import(
            price_list=draft,
            actor=actor,
            csv_file=price_list_export(price_list=source).encode("utf-8"),
            dry_run=False,
        )
        catalog_changed()
    return draft

"""Writes to dealers."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core.callers import Caller
from core.errors import PermissionDenied
from core.scoping import get_scoped_or_404
from importorders.models import Dealer

DEALER_EDITABLE_FIELDS = ("name_ja", "name_en", "prefecture", "address", "phone", "active")


def dealer_update(*, caller: Caller, code: str, data: dict[str, Any]) -> Dealer:
    """Change a dealer's details; operations and admins only. Locks the row, records history."""
    with transaction.atomic():
        dealer = get_scoped_or_404(Dealer.objects.select_for_update(of=("self",)), caller, code=code)
        if not caller.is_operations:
            raise PermissionDenied()
        changed = [
            field
            for field in DEALER_EDITABLE_FIELDS
            if field in data and getattr(dealer, field) != data[field]
        ]
        for field in changed:
            setattr(dealer, field, data[field])
        if changed:
            dealer.full_clean()
            dealer._change_reason = "API"
            dealer.save(update_fields=[*changed, "updated_at"])
    return dealer

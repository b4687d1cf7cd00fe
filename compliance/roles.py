"""Who may do what in compliance, from the caller."""

from __future__ import annotations

from core.callers import Caller
from core.roles import ADMIN, COMPLIANCE


def is_compliance(caller: Caller) -> bool:
    """Compliance staff (and admins) review documents."""
    return caller.kind == "user" and bool(caller.back_office_roles & {COMPLIANCE, ADMIN})


def submitter_role(caller: Caller) -> str | None:
    """Which submitter column of a document type the caller is: dealer, back office or partner."""
    if caller.is_back_office:
        return "back_office"
    if caller.is_dealer:
        return "dealer"
    if caller.is_partner:
        return "partner"
    return None

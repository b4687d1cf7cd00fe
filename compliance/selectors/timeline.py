"""The compliance milestones of a vehicle's timeline (importorders.timeline_sources): each version
of each of its documents submitted, approved, rejected or expired, and the file's readiness reached.
Three queries (documents, decisions, and the readiness the vehicle detail reads anyway), however
many documents and decisions there are."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils.translation import pgettext_lazy

from compliance.models import Document, DocumentReview
from compliance.selectors.readiness import readiness_of
from core import clock
from core.callers import Caller
from core.scoping import scoped
from importorders.timeline_sources import TimelineFact

SOURCE = "compliance"
TITLES = {
    "document_submitted": pgettext_lazy("timeline", "Document submitted"),
    "document_approved": pgettext_lazy("timeline", "Document approved"),
    "document_rejected": pgettext_lazy("timeline", "Document rejected"),
    "document_expired": pgettext_lazy("timeline", "Document expired"),
    "readiness_reached": pgettext_lazy("timeline", "Compliance file complete"),
}
_ACTING_DEALER = F("actor_user__dealer_membership__dealer_id")


def _described(document: Document) -> dict:
    return {"document_type": document.document_type.code, "version": document.version}


def _actor(row) -> dict:
    return {
        "actor_kind": row.actor_kind,
        "actor_ref": row.actor_ref,
        "actor_label": row.actor_label,
        "actor_dealer_id": row.actor_dealer_id,
    }


def compliance_timeline_facts(*, vehicle, caller: Caller, today: dt.date) -> list[TimelineFact]:
    """The vehicle's compliance milestones the caller may see (unsorted)."""
    facts: list[TimelineFact] = []
    documents = (
        scoped(Document, caller)
        .filter(vehicle=vehicle)
        .select_related("document_type")
        .annotate(actor_dealer_id=_ACTING_DEALER)
        .order_by()
    )
    for document in documents:
        facts.append(
            TimelineFact(
                source=SOURCE,
                kind="document_submitted",
                at=document.created_at,
                title=TITLES["document_submitted"],
                detail=f"{document.document_type.name} v{document.version}",
                changes=_described(document),
                **_actor(document),
            )
        )
        if document.is_current and document.valid_until is not None and document.valid_until < today:
            # It stopped being valid when the last day of its validity ended, in Japan.
            expired_at = dt.datetime.combine(
                document.valid_until + dt.timedelta(days=1), dt.time(), clock.JST
            )
            facts.append(
                TimelineFact(
                    source=SOURCE,
                    kind="document_expired",
                    at=expired_at,
                    title=TITLES["document_expired"],
                    detail=f"{document.document_type.name} v{document.version}",
                    changes={**_described(document), "valid_until": document.valid_until.isoformat()},
                )
            )
    reviews = (
        scoped(DocumentReview, caller)
        .filter(document__vehicle=vehicle)
        .select_related("document__document_type")
        .annotate(actor_dealer_id=_ACTING_DEALER)
        .order_by()
    )
    for review in reviews:
        kind = f"document_{review.decision}"
        facts.append(
            TimelineFact(
                source=SOURCE,
                kind=kind,
                at=review.created_at,
                title=TITLES[kind],
                detail=f"{review.document.document_type.name} v{review.document.version}",
                reason=review.reason,
                changes=_described(review.document),
                **_actor(review),
            )
        )
    readiness = readiness_of(vehicle=vehicle, today=today)
    decided = [
        item.document.decided_at for item in readiness.items if item.document and item.document.decided_at
    ]
    if readiness.complete and decided:
        # Complete since the last approval that completed it.
        facts.append(
            TimelineFact(
                source=SOURCE,
                kind="readiness_reached",
                at=max(decided),
                title=TITLES["readiness_reached"],
                changes={"requirements": len(readiness.items)},
            )
        )
    return facts

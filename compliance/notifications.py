"""Who hears of a document's fate: the dealer's people, when a document of their vehicle is rejected
(with the reviewer's reason as written), is about to expire (30, 7, 1 days before, as data) or has
expired. The text is rendered when read, in the reader's language (core.notifications)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from compliance.models import Document, DocumentReview
from core.actors import Actor
from core.models import in_current_language
from core.notifications import kinds
from core.notifications.services import Recipient, notifications_deliver

logger = logging.getLogger(__name__)

REJECTED, EXPIRING, EXPIRED = "compliance.rejected", "compliance.expiring", "compliance.expired"


def _document(params: Mapping[str, Any]) -> str:
    return in_current_language(ja=params.get("document_ja", ""), en=params.get("document_en", ""))


def _title(template):
    def render(params: Mapping[str, Any]) -> str:
        return str(template) % {
            "document": _document(params),
            "vin": params.get("vin", ""),
            "days": params.get("days", ""),
        }

    return render


def _body(params: Mapping[str, Any]) -> str:
    lines = []
    if params.get("reason"):
        lines.append(_("Reason: %(reason)s") % {"reason": params["reason"]})
    if params.get("valid_until"):
        lines.append(_("Valid until: %(date)s") % {"date": params["valid_until"]})
    return "\n".join(lines)


def kinds_register() -> None:
    """Register the compliance kinds with core (ComplianceConfig.ready)."""
    kinds.register(
        kinds.NotificationKind(
            key=REJECTED,
            label=pgettext_lazy("notification kind", "Document rejected"),
            audience="dealer",
            title=_title(gettext_lazy("%(document)s for %(vin)s was rejected")),
            body=_body,
            email_default=True,
            order=200,
        )
    )
    kinds.register(
        kinds.NotificationKind(
            key=EXPIRING,
            label=pgettext_lazy("notification kind", "Document about to expire"),
            audience="dealer",
            title=_title(gettext_lazy("%(document)s for %(vin)s expires in %(days)s days")),
            body=_body,
            email_default=True,
            order=201,
        )
    )
    kinds.register(
        kinds.NotificationKind(
            key=EXPIRED,
            label=pgettext_lazy("notification kind", "Document expired"),
            audience="dealer",
            title=_title(gettext_lazy("%(document)s for %(vin)s has expired")),
            body=_body,
            email_default=True,
            order=202,
        )
    )


def vehicle_link(vin: str) -> str:
    return reverse("compliance:vehicle", kwargs={"vin": vin})


def _dealer_people(document: Document) -> list[int]:
    from importorders.models import DealerMembership

    order = document.vehicle.order if document.vehicle_id else None
    if order is None:
        return []
    return list(
        DealerMembership.objects.filter(
            dealer_id=order.dealer_id, active=True, dealer__active=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def document_notify(*, document: Document, kind: str, event_key: str, actor: Actor, **extra: Any) -> int:
    """Tell the dealer's people of the vehicle about `document` under `kind`; once per event_key."""
    if document.vehicle_id is None:
        return 0
    recipients = [Recipient(user_id=pk, kind=kind) for pk in _dealer_people(document) if pk != actor.user_id]
    params = {
        "vin": document.vehicle.vin,
        "document_ja": document.document_type.name_ja,
        "document_en": document.document_type.name_en,
        "version": document.version,
        **extra,
    }
    return len(
        notifications_deliver(
            actor=actor,
            event_key=event_key,
            subject_ref=document.vehicle.vin,
            link=vehicle_link(document.vehicle.vin),
            params=params,
            recipients=recipients,
        )
    )


def document_decided_listener(document: Document, review: DocumentReview, actor: Actor) -> None:
    """After a committed decision: a rejection queues the dealer's notification (by ids)."""
    if review.decision != "rejected" or document.vehicle_id is None:
        return
    from compliance.tasks import document_rejected_notify

    try:
        document_rejected_notify.delay(review.pk)
    except Exception:  # a broker that cannot be reached never turns the committed decision into an error
        logger.exception("could not queue the rejection notice of review %s", review.pk)


def rejection_notify(*, review_id: int, actor: Actor) -> int:
    """The task's service: notify the dealer of one rejection (safe to run twice)."""
    review = DocumentReview.objects.select_related("document__document_type", "document__vehicle__order").get(
        pk=review_id
    )
    # The reason stays as the reviewer wrote it; the decision is labelled in the reader's language.
    return document_notify(
        document=review.document,
        kind=REJECTED,
        event_key=f"document-review:{review.pk}",
        actor=actor,
        reason=review.reason,
    )


__all__ = ["document_decided_listener", "document_notify", "kinds_register", "rejection_notify"]

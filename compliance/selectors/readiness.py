"""Readiness of a vehicle's compliance file: every requirement of its model's route, with state and
who acts next. Model-year documents count for every vehicle of that model year, a shipment's for
every vehicle on that shipment (missing while the vehicle is on none); the model's
recognition status is the first item. This is what the checklist shows, the API answers and the
"compliance" release gate asks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from compliance.models import (
    GATEABLE_STATUSES,
    Document,
    DocumentReview,
    DocumentStatus,
    DocumentTarget,
    Requirement,
)
from core import clock
from importorders.gates import GateProblem

MISSING, SUBMITTED, APPROVED, REJECTED, EXPIRED = "missing", "submitted", "approved", "rejected", "expired"
STATE_LABELS = {
    MISSING: _("missing"),
    SUBMITTED: _("submitted, awaiting review"),
    APPROVED: _("approved"),
    REJECTED: _("rejected"),
    EXPIRED: _("expired"),
}
# What a dealer reads for each state that holds the vehicle back.
_PROBLEM_MESSAGES = {
    MISSING: _("%(document)s has not been submitted."),
    SUBMITTED: _("%(document)s is waiting for compliance review."),
    REJECTED: _("%(document)s was rejected: upload a new version."),
    EXPIRED: _("%(document)s has expired: upload a new one."),
}
# Requirements that the release (cleared → ready) must find approved: those gating ready or earlier.
RELEASE_GATED = GATEABLE_STATUSES[: GATEABLE_STATUSES.index("ready") + 1]


@dataclass
class ChecklistItem:
    """One requirement of a vehicle's file and where it stands."""

    requirement: Requirement
    document: Document | None
    state: str
    next_actor: str | None
    rejection: DocumentReview | None = None

    @property
    def document_type(self):
        return self.requirement.document_type

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def blocks_release(self) -> bool:
        return self.state != APPROVED and self.requirement.gates_status in RELEASE_GATED


@dataclass
class Readiness:
    """A vehicle's checklist, the recognition of its model, and the problems that hold it back."""

    vehicle: object
    items: list[ChecklistItem]
    model_recognised: bool
    problems: list[GateProblem] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        result = {state: 0 for state in STATE_LABELS}
        for item in self.items:
            result[item.state] += 1
        return result


def _state(document: Document | None, today: dt.date) -> str:
    if document is None:
        return MISSING
    if document.status == DocumentStatus.REJECTED:
        return REJECTED
    if document.valid_until is not None and document.valid_until < today:
        return EXPIRED
    if document.status == DocumentStatus.APPROVED:
        return APPROVED
    return SUBMITTED


def _next_actor(state: str, document_type) -> str | None:
    if state == APPROVED:
        return None
    if state == SUBMITTED:
        return "compliance"
    return document_type.submitter


def _rejections() -> Prefetch:
    return Prefetch(
        "reviews",
        queryset=DocumentReview.objects.filter(decision="rejected").order_by("-created_at", "-id"),
        to_attr="rejections",
    )


def readiness_for_vehicle(*, vehicle, today: dt.date | None = None) -> Readiness:
    """The checklist of one vehicle (three queries: requirements, current documents, rejections).

    `vehicle` must have model_year__vehicle_model loaded (the vehicle selectors join it).
    """
    return readiness_for_vehicles(vehicles=[vehicle], today=today)[vehicle.pk]


def readiness_of(*, vehicle, today: dt.date) -> Readiness:
    """`readiness_for_vehicle`, once per vehicle object and day: the vehicle detail's compliance
    block and its timeline's milestones read the same checklist."""
    kept = getattr(vehicle, "_readiness_kept", None)
    if kept is None or kept[0] != today:
        kept = (today, readiness_for_vehicle(vehicle=vehicle, today=today))
        vehicle._readiness_kept = kept
    return kept[1]


def readiness_for_vehicles(*, vehicles, today: dt.date | None = None) -> dict[int, Readiness]:
    """The checklists of many vehicles, by vehicle id, in the same three queries as one (four when a
    route requires a shipment's document: which shipment each vehicle is on)."""
    today = today or clock.today_jst()
    vehicles = list(vehicles)
    routes = {vehicle.model_year.vehicle_model.certification_route_id for vehicle in vehicles}
    by_route: dict[int, list[Requirement]] = {route: [] for route in routes}
    if vehicles:
        requirements = Requirement.objects.filter(
            route_id__in=routes,
            active=True,
            document_type__active=True,
        ).select_related("document_type")
        for requirement in requirements:
            by_route[requirement.route_id].append(requirement)
    # A shipment's documents (bill of lading, export filing, invoice) count for every vehicle on it:
    # one more query, only when a route asks for one.
    shipment_of: dict[int, int] = {}
    if any(r.document_type.target == DocumentTarget.SHIPMENT for rows in by_route.values() for r in rows):
        from importorders.models import ShipmentVehicle

        shipment_of = dict(
            ShipmentVehicle.objects.filter(vehicle_id__in=[v.pk for v in vehicles]).values_list(
                "vehicle_id", "shipment_id"
            )
        )
    by_target: dict[tuple[str, int, int], Document] = {}
    if any(by_route.values()):
        rows = (
            Document.objects.current()
            .filter(
                Q(vehicle_id__in=[v.pk for v in vehicles])
                | Q(model_year_id__in={v.model_year_id for v in vehicles})
                | Q(shipment_id__in=set(shipment_of.values()))
            )
            .select_related("document_type")
            .prefetch_related(_rejections())
        )
        for row in rows:
            if row.vehicle_id is not None:
                by_target[(DocumentTarget.VEHICLE, row.vehicle_id, row.document_type_id)] = row
            elif row.model_year_id is not None:
                by_target[(DocumentTarget.MODEL_YEAR, row.model_year_id, row.document_type_id)] = row
            else:
                by_target[(DocumentTarget.SHIPMENT, row.shipment_id, row.document_type_id)] = row
    return {
        vehicle.pk: _readiness(vehicle, by_route, by_target, shipment_of.get(vehicle.pk), today)
        for vehicle in vehicles
    }


def _readiness(vehicle, by_route, by_target, shipment_id, today) -> Readiness:
    model = vehicle.model_year.vehicle_model
    owners = {
        DocumentTarget.VEHICLE: vehicle.pk,
        DocumentTarget.MODEL_YEAR: vehicle.model_year_id,
        DocumentTarget.SHIPMENT: shipment_id,  # None before the vehicle is on a shipment: missing
    }
    items = []
    for requirement in by_route[model.certification_route_id]:
        target = requirement.document_type.target
        document = by_target.get((target, owners[target], requirement.document_type_id))
        state = _state(document, today)
        rejection = document.rejections[0] if state == REJECTED and document.rejections else None
        items.append(
            ChecklistItem(
                requirement, document, state, _next_actor(state, requirement.document_type), rejection
            )
        )
    readiness = Readiness(vehicle=vehicle, items=items, model_recognised=model.is_recognised)
    if not model.is_recognised:
        readiness.problems.append(
            GateProblem(
                gate="compliance",
                code="model_not_recognised",
                message=_("The model %(model)s is not yet approved on its certification route (%(status)s).")
                % {"model": model.name, "status": model.get_recognition_status_display()},
                next_actor="compliance",
            )
        )
    for item in items:
        if item.blocks_release:
            readiness.problems.append(
                GateProblem(
                    gate="compliance",
                    code=f"document_{item.state}",
                    message=_PROBLEM_MESSAGES[item.state] % {"document": item.document_type.name},
                    next_actor=item.next_actor or "compliance",
                )
            )
    return readiness


def compliance_gate(order) -> list[GateProblem]:
    """The "compliance" release gate: the order's vehicle has every release-gated document approved."""
    from importorders.models import Vehicle

    vehicle = Vehicle.objects.filter(order_id=order.pk).select_related("model_year__vehicle_model").first()
    if vehicle is None:
        return [
            GateProblem(
                gate="compliance",
                code="vehicle_missing",
                message=_("The order has no vehicle yet."),
                next_actor="operations",
            )
        ]
    return readiness_for_vehicle(vehicle=vehicle).problems

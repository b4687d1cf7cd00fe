"""Partner vocabularies: the seed of the mappings (held as data: importorders.models.VocabularyMapping)
and the readers that turn one event of a named vocabulary and version into canonical fields.

A batch names its vocabulary and version (`partner/events/`): `canonical` 1 (our own field names),
`dcsa` 2.2 (flat), 3.0-beta (`metadata`/`payload`, retraction by `metadata.retractedEventID`) and
3.0 (flat, retraction by `isRetracted: true` on the same eventID, customs equipment events
CUSS/CUSI/CUSR), and `rec24` 1 (UN/CEFACT Rec. 24 status codes, as IFTSTA carries them). The
readers only reshape; which code means which milestone is read from the mapping table, so the
back office can add a code without a release.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

# (vocabulary, version, code, milestone, classifier implied or "", description)
SEED: tuple[tuple[str, str, str, str, str, str], ...] = (
    *(
        (vocabulary, version, code, milestone, "", description)
        for vocabulary, version in (("dcsa", "2.2"), ("dcsa", "3.0-beta"), ("dcsa", "3.0"))
        for code, milestone, description in (
            ("DEPA", "vessel_departed", "Transport event: departed"),
            ("ARRI", "vessel_arrived", "Transport event: arrived"),
            ("LOAD", "loaded", "Equipment event: loaded"),
            ("DISC", "discharged", "Equipment event: discharged"),
            ("GTIN", "gate_in_origin_port", "Equipment event: gated in"),
            ("GTOT", "arrived_processing_center", "Equipment event: gated out to the processing centre"),
            ("PICK", "released_from_plant", "Equipment event: picked up at the plant"),
            ("DROP", "delivered_to_dealer", "Equipment event: dropped off at the dealer"),
        )
    ),
    ("dcsa", "3.0", "CUSS", "customs_hold", "", "Customs: selected for scan"),
    ("dcsa", "3.0", "CUSI", "customs_hold", "", "Customs: selected for inspection"),
    ("dcsa", "3.0", "CUSR", "customs_released", "", "Customs: released"),
    ("rec24", "1", "24", "vessel_departed", "ACT", "Departure of the means of transport"),
    ("rec24", "1", "127", "vessel_departed", "ACT", "Goods departed on a means of transport"),
    ("rec24", "1", "40", "vessel_arrived", "ACT", "Arrived at port"),
    ("rec24", "1", "48", "loaded", "ACT", "Loaded"),
    ("rec24", "1", "29", "discharged", "ACT", "Unloaded"),
    ("rec24", "1", "346", "discharged", "ACT", "Unloading completed"),
    ("rec24", "1", "12", "customs_released", "ACT", "Cleared by customs"),
    ("rec24", "1", "21", "delivered_to_dealer", "ACT", "Delivered"),
    ("rec24", "1", "18", "damage_reported", "ACT", "Damaged in transport"),
    ("rec24", "1", "20", "delayed", "ACT", "Delayed"),
)


def mappings_seed(model) -> int:
    """Write the SEED rows missing from `model` (the mapping model, or its historical version in a
    migration); returns how many were added. Rows the back office changed are left as they are."""
    added = 0
    for vocabulary, version, code, milestone, classifier, description in SEED:
        _row, created = model.objects.get_or_create(
            vocabulary=vocabulary,
            version=version,
            external_code=code,
            defaults={"milestone": milestone, "classifier": classifier, "description": description},
        )
        added += created
    return added


# The vocabularies and versions a batch may name.
VERSIONS: dict[str, tuple[str, ...]] = {
    "canonical": ("1",),
    "dcsa": ("2.2", "3.0-beta", "3.0"),
    "rec24": ("1",),
}


class EventUnreadable(Exception):
    """One event of a batch that cannot be read: per-field messages, and a stable code."""

    def __init__(self, fields: dict[str, list[str]], code: str = "invalid") -> None:
        super().__init__(fields)
        self.fields = fields
        self.code = code


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _canonical(event: Mapping[str, Any], codes: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    return {
        "event_id": _text(event.get("event_id")),
        "vin": _text(event.get("vin")),
        "code": _text(event.get("code")),
        "classifier": _text(event.get("classifier")),
        "occurred_at": event.get("occurred_at"),
        "reported_at": event.get("reported_at"),
        "location": _text(event.get("location")),
        "vessel": _text(event.get("vessel")),
        "voyage": _text(event.get("voyage")),
        "remarks": _text(event.get("remarks")),
        "retracts": _text(event.get("retracts")),
    }


def _mapped(code: str, codes: Mapping[str, tuple[str, str]], field: str) -> tuple[str, str]:
    if code not in codes:
        raise EventUnreadable(
            {field: [_("No mapping for this code in this vocabulary.")]}, code="unmapped_code"
        )
    return codes[code]


def _dcsa_fields(event: Mapping[str, Any], codes: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    event_type = _text(event.get("eventType")).upper()
    field = "transportEventTypeCode" if event_type == "TRANSPORT" else "equipmentEventTypeCode"
    milestone, _implied = _mapped(_text(event.get(field)), codes, field)
    call = event.get("transportCall") or {}
    vessel = call.get("vessel") or {} if isinstance(call, Mapping) else {}
    location = event.get("eventLocation") or {}
    return {
        "vin": _text(event.get("equipmentReference")),
        "code": milestone,
        "classifier": _text(event.get("eventClassifierCode")),
        "occurred_at": event.get("eventDateTime"),
        "reported_at": event.get("eventCreatedDateTime"),
        "location": _text(location.get("UNLocationCode")) if isinstance(location, Mapping) else "",
        "vessel": _text(vessel.get("vesselName")) if isinstance(vessel, Mapping) else "",
        "voyage": _text(call.get("exportVoyageNumber")) if isinstance(call, Mapping) else "",
        "remarks": _text(event.get("remarks") or event.get("description")),
    }


def _dcsa_22(event: Mapping[str, Any], codes: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    return {**_dcsa_fields(event, codes), "event_id": _text(event.get("eventID")), "retracts": ""}


def _dcsa_30_beta(event: Mapping[str, Any], codes: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    metadata, payload = event.get("metadata"), event.get("payload")
    if not isinstance(metadata, Mapping):
        raise EventUnreadable({"metadata": [_("This field is required.")]})
    retracted = _text(metadata.get("retractedEventID"))
    if retracted:
        # A retraction carries no payload of its own: it names the event it takes back.
        return {
            "event_id": _text(metadata.get("eventID")),
            "retracts": retracted,
            "raw_retraction": True,
        }
    if not isinstance(payload, Mapping):
        raise EventUnreadable({"payload": [_("This field is required.")]})
    fields = _dcsa_fields(payload, codes)
    fields["reported_at"] = fields["reported_at"] or metadata.get("eventCreatedDateTime")
    return {**fields, "event_id": _text(metadata.get("eventID")), "retracts": ""}


def _dcsa_30(event: Mapping[str, Any], codes: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    event_id = _text(event.get("eventID"))
    if event.get("isRetracted") is True:
        # The same eventID, flagged: stored as its own fact so the original stays unique.
        return {"event_id": f"{event_id}:retracted", "retracts": event_id, "raw_retraction": True}
    return {**_dcsa_fields(event, codes), "event_id": event_id, "retracts": ""}


def _rec24(event: Mapping[str, Any], codes: Mapping[str, tuple[str, str]]) -> dict[str, Any]:
    retracts = _text(event.get("retracts"))
    if retracts:
        return {"event_id": _text(event.get("event_id")), "retracts": retracts, "raw_retraction": True}
    milestone, implied = _mapped(_text(event.get("status_code")), codes, "status_code")
    return {
        "event_id": _text(event.get("event_id")),
        "vin": _text(event.get("vin")),
        "code": milestone,
        "classifier": _text(event.get("classifier")) or implied,
        "occurred_at": event.get("occurred_at"),
        "reported_at": event.get("reported_at"),
        "location": _text(event.get("location")),
        "vessel": _text(event.get("vessel")),
        "voyage": _text(event.get("voyage")),
        "remarks": _text(event.get("remarks")),
        "retracts": "",
    }


READERS: dict[tuple[str, str], Callable[[Mapping[str, Any], Mapping[str, tuple[str, str]]], dict]] = {
    ("canonical", "1"): _canonical,
    ("dcsa", "2.2"): _dcsa_22,
    ("dcsa", "3.0-beta"): _dcsa_30_beta,
    ("dcsa", "3.0"): _dcsa_30,
    ("rec24", "1"): _rec24,
}


def mapping_codes(vocabulary: str, version: str) -> dict[str, tuple[str, str]]:
    """The vocabulary's codes → (milestone, implied classifier), from the mapping table."""
    from importorders.models import VocabularyMapping

    rows = VocabularyMapping.objects.filter(vocabulary=vocabulary, version=version)
    return {row.external_code: (row.milestone, row.classifier) for row in rows}


def event_read(
    event: Any, *, vocabulary: str, version: str, codes: Mapping[str, tuple[str, str]]
) -> dict[str, Any]:
    """One event of the batch in canonical field names (not yet validated), or EventUnreadable."""
    if not isinstance(event, Mapping):
        raise EventUnreadable({"non_field_errors": [_("An event is a JSON object.")]})
    return READERS[(vocabulary, version)](event, codes)

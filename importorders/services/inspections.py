"""Handover inspections: record one with its photos and damage entries; each damage raises an
exception on the vehicle (kind "damage", key "inspection-entry-<pk>"), which blocks release until
the back office resolves it (importorders.services.exceptions). All or nothing: a refused photo or
an unknown code writes no row and leaves no file."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.actors import Actor
from core.errors import ValidationFailed
from core.storage import JPEG, PNG, private_key_new, private_store, upload_inspect
from importorders.locks import order_lock
from importorders.models import (
    CustodyPoint,
    DamageCode,
    DamageEntry,
    ExceptionKind,
    HandoverInspection,
    InspectionPhoto,
    Vehicle,
)
from importorders.services.exceptions import exception_raise

MAX_PHOTOS = 20
MAX_DAMAGES = 50


@dataclass(frozen=True)
class DamageInput:
    """One damage as entered: the M-22 codes of its area, type and severity, and a note."""

    area: str
    damage_type: str
    severity: str
    note: str = ""


@dataclass(frozen=True)
class PhotoInput:
    content: object  # bytes or a file-like object
    name: str = ""


def _codes(damages: list[DamageInput]) -> dict[tuple[str, str], DamageCode]:
    wanted = {("area", d.area) for d in damages} | {("type", d.damage_type) for d in damages}
    wanted |= {("severity", d.severity) for d in damages}
    found = {
        (row.dimension, row.code): row
        for row in DamageCode.objects.filter(active=True, code__in={code for _, code in wanted})
    }
    errors = {}
    for index, damage in enumerate(damages):
        for field, dimension, code in (
            ("area", "area", damage.area),
            ("damage_type", "type", damage.damage_type),
            ("severity", "severity", damage.severity),
        ):
            if (dimension, code) not in found:
                errors.setdefault(f"damages.{index}.{field}", []).append(
                    _("Unknown code %(code)s.") % {"code": code}
                )
    if errors:
        raise ValidationFailed(fields=errors, code="damage_code_unknown")
    return found


def inspection_record(
    *,
    vehicle: Vehicle,
    actor: Actor,
    custody_point: str,
    location: str = "",
    note: str = "",
    damages: list[DamageInput] = (),
    photos: list[PhotoInput] = (),
) -> HandoverInspection:
    """Record an inspection at a change of custody; each damage entry raises one exception."""
    if custody_point not in CustodyPoint.values:
        raise ValidationFailed(fields={"custody_point": [_("Choose where the vehicle changed hands.")]})
    damages, photos = list(damages), list(photos)
    if len(photos) > MAX_PHOTOS or len(damages) > MAX_DAMAGES:
        raise ValidationFailed(fields={"photos": [_("Too many photos or damage entries.")]})
    codes = _codes(damages)
    checked = []
    for index, photo in enumerate(photos):
        try:
            checked.append((upload_inspect(photo.content, accepted=(JPEG, PNG)), photo.name))
        except ValidationFailed as refused:
            raise ValidationFailed(
                refused.message, code=refused.code, fields={f"photos.{index}": refused.fields.get("file", [])}
            ) from refused
    store = private_store()
    keys: list[str] = []
    try:
        with transaction.atomic():
            if vehicle.order_id is not None:
                order_lock(vehicle.order_id)
            inspection = HandoverInspection(
                vehicle=vehicle,
                custody_point=custody_point,
                location=location[:200],
                note=note[:4000],
                inspected_at=clock.now(),
            )
            inspection.actor_fill(actor)
            inspection.save()
            for inspected, name in checked:
                key = private_key_new("inspections")
                keys.append(key)
                InspectionPhoto.objects.create(
                    inspection=inspection,
                    file_kind=inspected.kind,
                    size=inspected.size,
                    sha256=inspected.sha256,
                    storage_key=key,
                    original_name=unicodedata.normalize("NFC", name)
                    .replace("\\", "/")
                    .rsplit("/", 1)[-1][:255],
                )
                store.put(key, inspected.data)
            for damage in damages:
                entry = DamageEntry.objects.create(
                    inspection=inspection,
                    area=codes[("area", damage.area)],
                    damage_type=codes[("type", damage.damage_type)],
                    severity=codes[("severity", damage.severity)],
                    note=damage.note[:500],
                )
                exception_raise(
                    vehicle=vehicle,
                    kind=ExceptionKind.DAMAGE,
                    actor=actor,
                    key=f"inspection-entry-{entry.pk}",
                    source=f"inspection {inspection.pk}",
                    note=f"{entry.m22_code} {damage.note}".strip(),
                    details={
                        "inspection": inspection.pk,
                        "entry": entry.pk,
                        "custody_point": custody_point,
                        "area": damage.area,
                        "type": damage.damage_type,
                        "severity": damage.severity,
                    },
                )
    except BaseException:
        for key in keys:
            store.delete(key)
        raise
    return inspection

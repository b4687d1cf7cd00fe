"""Demo data of the rule, from the domain brief: document types, the requirement matrix per route,
the reminder offsets (30, 7, 1 days), and documents for the demo vehicles (small generated PDFs and
PNGs) at every review state, so the checklist, the review queue and the downloads show something.

Runs after the demo orders (order 45): those at `ready` and `delivered` were released before any
requirement existed, and get every document approved here so their files agree with their status.
"""

from __future__ import annotations

import datetime as dt

from core.actors import Actor
from core.demo import DemoResult, register
from core.history import history_actor_default

SEEDER = Actor.system("seed_demo")

V, MY, SH = "vehicle", "model_year", "shipment"
# code: (Japanese, English, belongs to, submitters (d=dealer, b=back office, p=partner), kinds, validity)
DOCUMENT_TYPES = {
    "RECOGNITION": (
        "認定・型式指定・PHP承認書",
        "Recognition / type designation / PHP approval",
        MY,
        "b",
        "pdf",
        None,
    ),
    "EPA-COC": ("EPA適合証明書", "EPA certificate of conformity", MY, "b", "pdf", None),
    "FMVSS-LABEL": ("FMVSS認証ラベル写真", "FMVSS certification label (photo)", V, "bp", "jpeg png", None),
    "MCO": ("製造者原産地証明書 (MCO)", "Manufacturer's certificate of origin (MCO)", V, "b", "pdf", None),
    "EEI-ITN": ("輸出申告 (EEI/ITN)", "Export filing (EEI/ITN line)", SH, "bp", "pdf", None),
    "BILL-OF-LADING": ("船荷証券", "Bill of lading", SH, "bp", "pdf", None),
    "COMMERCIAL-INVOICE": ("商業送り状", "Commercial invoice", SH, "bp", "pdf", None),
    "CUSTOMS-CLEARANCE": ("自動車通関証明書", "Customs clearance certificate", V, "bp", "pdf", None),
    "JP-MEASURES": ("日本向け措置記録", "Record of Japan-specific measures", V, "bp", "pdf jpeg png", None),
    "STAR-SIGN": ("認定マーク装着写真", "Star sign fitted (photo)", V, "bp", "jpeg png", None),
    "RECYCLING-RECEIPT": ("リサイクル券", "Recycling fee deposit receipt", V, "db", "pdf jpeg png", None),
    "COMPLETION-CERT": ("完成検査終了証", "Completion-inspection certificate", V, "b", "pdf", (9, "months")),
    "INSPECTION-RECORD": ("予備検査証", "Pre-inspection record", V, "b", "pdf", (3, "months")),
    "GARAGE-CERT": ("車庫証明", "Garage certificate", V, "d", "pdf jpeg png", (1, "months")),
}
# route: [(document type, the status it gates)]
REQUIREMENTS = {
    "recognition": [
        ("RECOGNITION", "ready"),
        ("EPA-COC", "ready"),
        ("FMVSS-LABEL", "ready"),
        ("MCO", "ready"),
        ("CUSTOMS-CLEARANCE", "ready"),
        ("JP-MEASURES", "ready"),
        ("STAR-SIGN", "ready"),
        ("RECYCLING-RECEIPT", "ready"),
        ("GARAGE-CERT", "delivered"),
    ],
    "type_designation": [
        ("RECOGNITION", "ready"),
        ("EPA-COC", "ready"),
        ("MCO", "ready"),
        ("CUSTOMS-CLEARANCE", "ready"),
        ("COMPLETION-CERT", "ready"),
        ("RECYCLING-RECEIPT", "ready"),
        ("GARAGE-CERT", "delivered"),
    ],
    "php": [
        ("RECOGNITION", "ready"),
        ("EPA-COC", "ready"),
        ("MCO", "ready"),
        ("CUSTOMS-CLEARANCE", "ready"),
        ("JP-MEASURES", "ready"),
        ("RECYCLING-RECEIPT", "ready"),
        ("GARAGE-CERT", "delivered"),
    ],
    "pre_inspection": [
        ("MCO", "ready"),
        ("CUSTOMS-CLEARANCE", "ready"),
        ("INSPECTION-RECORD", "ready"),
        ("RECYCLING-RECEIPT", "ready"),
        ("GARAGE-CERT", "delivered"),
    ],
}
REMINDER_DAYS = (30, 7, 1)


def seed_rule() -> dict:
    """Document types, requirements and reminders (update in place: a rerun creates nothing new)."""
    from catalog.models import CertificationRoute
    from compliance.models import DocumentType, ReminderOffset, Requirement

    types = {}
    for order, (code, (ja, en, target, who, kinds, validity)) in enumerate(DOCUMENT_TYPES.items()):
        count, unit = validity or (None, "months")
        types[code] = DocumentType.objects.update_or_create(
            code=code,
            defaults={
                "name_ja": ja,
                "name_en": en,
                "target": target,
                "submit_dealer": "d" in who,
                "submit_back_office": "b" in who,
                "submit_partner": "p" in who,
                "accepts_pdf": "pdf" in kinds,
                "accepts_jpeg": "jpeg" in kinds,
                "accepts_png": "png" in kinds,
                "validity_count": count,
                "validity_unit": unit,
                "sort_order": order * 10,
            },
        )[0]
    routes = {route.code: route for route in CertificationRoute.objects.all()}
    for route_code, rows in REQUIREMENTS.items():
        route = routes.get(route_code)
        if route is None:
            continue
        for code, gates in rows:
            Requirement.objects.update_or_create(
                route=route, document_type=types[code], defaults={"gates_status": gates, "active": True}
            )
    for days in REMINDER_DAYS:
        ReminderOffset.objects.update_or_create(days_before=days, defaults={"active": True})
    return types


def _dealer_actor(vehicle) -> Actor:
    from importorders.models import DealerMembership

    membership = (
        DealerMembership.objects.filter(dealer_id=vehicle.order.dealer_id, active=True)
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    return Actor.for_user(membership.user) if membership else SEEDER


def _upload(document_type, *, vehicle=None, model_year=None, label: str, issued_on=None):
    from compliance.samples import sample_pdf, sample_png
    from compliance.services.documents import document_upload

    by_office = document_type.submit_back_office

    kinds = document_type.accepted_kinds
    content = sample_pdf(label) if "pdf" in kinds else sample_png(label)
    extension = "pdf" if "pdf" in kinds else "png"
    return document_upload(
        document_type=document_type,
        actor=SEEDER if by_office else _dealer_actor(vehicle),
        submitter="back_office" if by_office else "dealer",
        content=content,
        original_name=f"{document_type.code.lower()}.{extension}",
        vehicle=vehicle,
        model_year=model_year,
        issued_on=issued_on,
    )


@register(order=45)
def seed_compliance(result: DemoResult) -> None:
    """The rule's data, model-year documents, and a file per demo vehicle by its order's status."""
    from django.contrib.auth import get_user_model

    from catalog.models import ModelYear
    from compliance.models import Document, DocumentTarget, Requirement
    from compliance.services.documents import document_approve, document_reject
    from core import clock
    from importorders.models import Vehicle

    with history_actor_default(SEEDER):
        types = seed_rule()
    reviewer = Actor.for_user(get_user_model().objects.get(username="compliance"))
    today = clock.today_jst()
    created = 0
    for model_year in ModelYear.objects.select_related("vehicle_model"):
        if not model_year.vehicles.exists() or Document.objects.filter(model_year=model_year).exists():
            continue
        for code in ("RECOGNITION", "EPA-COC"):
            document = _upload(types[code], model_year=model_year, label=f"{code} {model_year}")
            if model_year.vehicle_model.is_recognised:
                document_approve(document=document, actor=reviewer)
            created += 1
    vehicles = Vehicle.objects.select_related("order", "model_year__vehicle_model").order_by("vin")
    for vehicle in vehicles:
        if vehicle.order is None or Document.objects.filter(vehicle=vehicle).exists():
            continue
        status = vehicle.order.status
        requirements = Requirement.objects.filter(
            route_id=vehicle.model_year.vehicle_model.certification_route_id,
            active=True,
            document_type__target=DocumentTarget.VEHICLE,
        ).select_related("document_type")
        for index, requirement in enumerate(requirements):
            document_type = requirement.document_type
            released = status in ("ready", "delivered")
            if status in ("built", "shipped") and index > 0:
                break  # the label photo only, waiting for review
            if document_type.code == "GARAGE-CERT" and status != "delivered":
                continue  # the buyer's garage certificate comes just before delivery
            issued = today - dt.timedelta(days=10) if document_type.validity_count else None
            document = _upload(
                document_type, vehicle=vehicle, label=f"{document_type.code} {vehicle.vin}", issued_on=issued
            )
            created += 1
            if released or (status == "cleared" and index % 3 != 2):
                document_approve(document=document, actor=reviewer)
            elif status == "cleared" and index % 3 == 2:
                document_reject(
                    document=document,
                    actor=reviewer,
                    reason="一部が読めません。鮮明なものを再提出してください。 / "
                    "Part of it cannot be read: please submit a clear copy.",
                )
    result.notes.append(f"compliance: {len(types)} document types, {created} demo documents")

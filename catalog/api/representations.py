"""Catalog rows as the API shows them: plain dicts built from loaded rows (no per-row queries).

The serializers in catalog.api.serializers document these shapes in the OpenAPI schema, and the
contract tests check every response against that schema.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from catalog.models import Trim, VehicleModel
from catalog.selectors.pricing import TrimPricing
from catalog.selectors.recognition import is_subject_to_approval


def names(obj: Any) -> dict[str, str]:
    return {"name_ja": obj.name_ja, "name_en": obj.name_en}


def usd(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def jpy(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount)


def recognition(model: VehicleModel) -> dict[str, Any]:
    return {
        "status": model.recognition_status,
        "number": model.recognition_number or None,
        "recognised_on": model.recognised_on.isoformat() if model.recognised_on else None,
        "subject_to_approval": is_subject_to_approval(model.recognition_status),
    }


def vehicle_model_row(model: VehicleModel) -> dict[str, Any]:
    return {
        "code": model.code,
        **names(model),
        "maker": {"code": model.maker.code, **names(model.maker)},
        "body_type": model.body_type,
        "certification_route": {"code": model.certification_route.code, **names(model.certification_route)},
        "recognition": recognition(model),
        "model_years": [
            {"year": year.year, "vin_year_code": year.vin_year_code, "plant": year.plant.code}
            for year in model.model_years.all()
        ],
        "active": model.active,
    }


def price_row(pricing: TrimPricing) -> dict[str, Any] | None:
    """A trim's price on the list in effect, or None when that list does not price it."""
    if pricing.price_list is None or pricing.fob_usd is None:
        return None
    price_list = pricing.price_list
    return {
        "price_list": price_list.code,
        "effective_from": price_list.effective_from.isoformat(),
        "effective_to": price_list.effective_to.isoformat() if price_list.effective_to else None,
        "fob_usd": usd(pricing.fob_usd),
        "suggested_retail_jpy": jpy(pricing.suggested_retail_jpy),
    }


def trim_row(trim: Trim, pricing: TrimPricing) -> dict[str, Any]:
    model = trim.model_year.vehicle_model
    return {
        "code": trim.code,
        **names(trim),
        "model": {
            "code": model.code,
            **names(model),
            "maker": model.maker.code,
            "recognition_status": model.recognition_status,
            "subject_to_approval": is_subject_to_approval(model.recognition_status),
        },
        "model_year": trim.model_year.year,
        "plant": trim.model_year.plant.code,
        "powertrain": trim.powertrain,
        "drive": trim.drive,
        "length_mm": trim.length_mm,
        "width_mm": trim.width_mm,
        "height_mm": trim.height_mm,
        "curb_weight_kg": trim.curb_weight_kg,
        "displacement_cc": trim.displacement_cc,
        "seats": trim.seats,
        "plate_class": trim.plate_class or None,
        "active": trim.active,
        "price": price_row(pricing),
    }


def quote_body(quote) -> dict[str, Any]:
    """A catalog.services.quote.Quote as JSON: yen as integers, dollars as strings with cents."""
    return {
        "on_date": quote.on_date.isoformat(),
        "trim": quote.trim_code,
        "color": quote.color_code,
        "options": list(quote.option_codes),
        "included_options": list(quote.included_option_codes),
        "subject_to_approval": quote.subject_to_approval,
        "fx_rate": {
            "base": quote.fx_rate.base_currency,
            "quote": quote.fx_rate.quote_currency,
            "rate": f"{quote.fx_rate.rate}",
            "rate_date": quote.fx_rate.rate_date.isoformat(),
            "source": quote.fx_rate.source,
        },
        "price_list": {
            "code": quote.price_list.code,
            "effective_from": quote.price_list.effective_from.isoformat(),
            "effective_to": quote.price_list.effective_to.isoformat()
            if quote.price_list.effective_to
            else None,
        },
        "rules": [
            {
                "code": rule.code,
                "kind": rule.kind,
                "label_ja": rule.label_ja,
                "label_en": rule.label_en,
                "rate": None if rule.rate is None else f"{rule.rate}",
                "amount_jpy": jpy(rule.amount_jpy),
                "effective_from": rule.effective_from.isoformat(),
                "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
            }
            for rule in quote.rules
        ],
        "lines": [
            {
                "code": line.code,
                "label_ja": line.label_ja,
                "label_en": line.label_en,
                "amount_jpy": jpy(line.amount_jpy),
                "amount_usd": usd(line.amount_usd),
                "basis": line.basis,
            }
            for line in quote.lines
        ],
        "fob_usd": usd(quote.fob_usd),
        "fob_jpy": jpy(quote.fob_jpy),
        "freight_jpy": jpy(quote.freight_jpy),
        "insurance_jpy": jpy(quote.insurance_jpy),
        "cif_jpy": jpy(quote.cif_jpy),
        "duty_jpy": jpy(quote.duty_jpy),
        "consumption_tax_jpy": jpy(quote.consumption_tax_jpy),
        "environmental_levy_jpy": jpy(quote.environmental_levy_jpy),
        "fees_jpy": jpy(quote.fees_jpy),
        "recycling_deposit_jpy": jpy(quote.recycling_deposit_jpy),
        "total_jpy": jpy(quote.total_jpy),
        "suggested_retail_jpy": jpy(quote.suggested_retail_jpy),
        "annual_automobile_tax_jpy": jpy(quote.annual_automobile_tax_jpy),
        "rounding_rule_ja": quote.rounding_rule_ja,
        "rounding_rule_en": quote.rounding_rule_en,
    }

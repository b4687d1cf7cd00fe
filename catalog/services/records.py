"""Quotes and estimates as JSON records, and back: what a saved quote locks.

A record holds every amount as a string (Decimal, never float) and every date in ISO form, so a
saved quote reopens exactly as it was priced, whatever the price lists, rates and taxes say later.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from catalog.services.estimate import Estimate, EstimateLine
from catalog.services.quote import FxRateUsed, PriceListUsed, Quote, QuoteLine, RuleUsed
from catalog.services.registration import RegistrationCosts, StatutoryLine

RECORD_VERSION = 1


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def quote_to_record(quote: Quote) -> dict[str, Any]:
    return {"version": RECORD_VERSION, **_plain(quote)}


def estimate_to_record(estimate: Estimate) -> dict[str, Any]:
    return {"version": RECORD_VERSION, **_plain(estimate)}


def _money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _day(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def quote_from_record(record: dict[str, Any]) -> Quote:
    fx = record["fx_rate"]
    price_list = record["price_list"]
    return Quote(
        on_date=dt.date.fromisoformat(record["on_date"]),
        trim_code=record["trim_code"],
        color_code=record["color_code"],
        option_codes=tuple(record["option_codes"]),
        included_option_codes=tuple(record["included_option_codes"]),
        subject_to_approval=record["subject_to_approval"],
        fx_rate=FxRateUsed(
            fx["base_currency"],
            fx["quote_currency"],
            Decimal(fx["rate"]),
            _day(fx["rate_date"]),
            fx["source"],
        ),
        price_list=PriceListUsed(
            price_list["code"], _day(price_list["effective_from"]), _day(price_list["effective_to"])
        ),
        rules=tuple(
            RuleUsed(
                code=rule["code"],
                kind=rule["kind"],
                label_ja=rule["label_ja"],
                label_en=rule["label_en"],
                rate=_money(rule["rate"]),
                amount_jpy=_money(rule["amount_jpy"]),
                effective_from=_day(rule["effective_from"]),
                effective_to=_day(rule["effective_to"]),
            )
            for rule in record["rules"]
        ),
        lines=tuple(
            QuoteLine(
                line["code"],
                line["label_ja"],
                line["label_en"],
                Decimal(line["amount_jpy"]),
                _money(line["amount_usd"]),
                line["basis"],
            )
            for line in record["lines"]
        ),
        **{
            name: _money(record[name])
            for name in (
                "fob_usd",
                "fob_jpy",
                "freight_jpy",
                "insurance_jpy",
                "cif_jpy",
                "duty_jpy",
                "consumption_tax_jpy",
                "environmental_levy_jpy",
                "fees_jpy",
                "recycling_deposit_jpy",
                "total_jpy",
                "suggested_retail_jpy",
                "annual_automobile_tax_jpy",
            )
        },
        rounding_rule_ja=record["rounding_rule_ja"],
        rounding_rule_en=record["rounding_rule_en"],
    )


def estimate_from_record(record: dict[str, Any]) -> Estimate:
    statutory = record["statutory"]
    return Estimate(
        on_date=dt.date.fromisoformat(record["on_date"]),
        price_list_code=record["price_list_code"],
        lines=tuple(
            EstimateLine(
                line["code"],
                line["label_ja"],
                line["label_en"],
                Decimal(line["amount_jpy"]),
                line["included"],
            )
            for line in record["lines"]
        ),
        vehicle_jpy=Decimal(record["vehicle_jpy"]),
        consumption_tax_rate=Decimal(record["consumption_tax_rate"]),
        consumption_tax_jpy=Decimal(record["consumption_tax_jpy"]),
        statutory=RegistrationCosts(
            registration_month=dt.date.fromisoformat(statutory["registration_month"]),
            on_date=dt.date.fromisoformat(statutory["on_date"]),
            lines=tuple(
                StatutoryLine(
                    code=line["code"],
                    label_ja=line["label_ja"],
                    label_en=line["label_en"],
                    amount_jpy=Decimal(line["amount_jpy"]),
                    basis_ja=line["basis_ja"],
                    basis_en=line["basis_en"],
                    source=line["source"],
                    effective_from=dt.date.fromisoformat(line["effective_from"]),
                    provisional=line["provisional"],
                )
                for line in statutory["lines"]
            ),
            total_jpy=Decimal(statutory["total_jpy"]),
            provisional=statutory["provisional"],
        ),
        total_jpy=Decimal(record["total_jpy"]),
    )

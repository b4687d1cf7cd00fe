"""The customer estimate (お見積書): the vehicle at suggested retail, consumption tax, statutory costs.

Formula (whole yen):

    vehicle          = the trim's suggested retail + the colour's + each chosen option's (options a
                       package includes cost nothing), from the price list the landed-cost quote
                       priced from
    consumption tax  = the consumption-tax rate in effect (a `TaxRule`, 10%) × vehicle, rounded
                       down to the yen
    statutory costs  = catalog.services.registration (not taxable)
    total            = vehicle + consumption tax + statutory costs

Suggested retail prices are before consumption tax. A part of the build without a suggested
retail price on the list refuses the estimate (PriceMissing naming each), rather than print a
customer a total that leaves it out. Writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _

from catalog.errors import PriceMissing, TaxRuleMissing
from catalog.models import ColorPrice, OptionPrice, PriceList, TaxKind, TrimPrice
from catalog.models.base import in_current_language
from catalog.selectors import pricing
from catalog.selectors.configuration import ConfigurationData
from catalog.services.quote import Quote
from catalog.services.registration import RegistrationCosts, registration_costs


@dataclass(frozen=True)
class EstimateLine:
    """One priced part of the vehicle at suggested retail (before consumption tax)."""

    code: str
    label_ja: str
    label_en: str
    amount_jpy: Decimal
    included: bool = False  # an option a package includes: shown, not charged

    @property
    def label(self) -> str:
        return in_current_language(ja=self.label_ja, en=self.label_en)


@dataclass(frozen=True)
class Estimate:
    """A customer estimate of one build on one date for a registration month."""

    on_date: dt.date
    price_list_code: str
    lines: tuple[EstimateLine, ...]
    vehicle_jpy: Decimal
    consumption_tax_rate: Decimal
    consumption_tax_jpy: Decimal
    statutory: RegistrationCosts
    total_jpy: Decimal

    @property
    def provisional(self) -> bool:
        return self.statutory.provisional


def estimate_build(*, quote: Quote, trim, data: ConfigurationData, registration_month: dt.date) -> Estimate:
    """The customer estimate of the build `quote` priced, on the quote's date and price list."""
    on_date = quote.on_date
    price_list = PriceList.objects.get(code=quote.price_list.code)
    trim_price = TrimPrice.objects.filter(price_list=price_list, trim_id=trim.pk).first()
    option_retail = dict(
        OptionPrice.objects.filter(
            price_list=price_list, option__maker_id=data.maker_id, option__code__in=quote.option_codes
        ).values_list("option__code", "suggested_retail_jpy")
    )
    color = data.colors[quote.color_code]
    color_retail = (
        ColorPrice.objects.filter(price_list=price_list, color_id=color.id)
        .values_list("suggested_retail_jpy", flat=True)
        .first()
    )
    missing: dict[str, list[str]] = {}
    if trim_price is None or trim_price.suggested_retail_jpy is None:
        missing["trim"] = [_("Trim %(code)s has no suggested retail price.") % {"code": data.trim_code}]
    if color_retail is None:
        missing["color"] = [_("Colour %(code)s has no suggested retail price.") % {"code": color.code}]
    unpriced = [code for code in quote.option_codes if option_retail.get(code) is None]
    if unpriced:
        missing["options"] = [
            _("Option %(code)s has no suggested retail price.") % {"code": code} for code in unpriced
        ]
    if missing:
        raise PriceMissing(fields=missing)
    rule = pricing.tax_rules_in_effect(vehicle_model_id=data.vehicle_model_id, on_date=on_date).get(
        TaxKind.CONSUMPTION_TAX
    )
    if rule is None or rule.rate is None:
        raise TaxRuleMissing(
            fields={"consumption_tax": [_("No rule in effect on %(date)s.") % {"date": on_date.isoformat()}]}
        )

    lines = [
        EstimateLine(
            f"trim:{data.trim_code}", data.trim_name_ja, data.trim_name_en, trim_price.suggested_retail_jpy
        ),
        EstimateLine(
            f"color:{color.code}", f"ボディカラー {color.name_ja}", f"Colour {color.name_en}", color_retail
        ),
    ]
    for code in quote.option_codes:
        option = data.options[code]
        lines.append(EstimateLine(f"option:{code}", option.name_ja, option.name_en, option_retail[code]))
    for code in quote.included_option_codes:
        option = data.options[code]
        lines.append(
            EstimateLine(
                f"option:{code}",
                f"{option.name_ja} (パッケージに含む)",
                f"{option.name_en} (included in a package)",
                Decimal(0),
                included=True,
            )
        )
    vehicle = sum((line.amount_jpy for line in lines), Decimal(0))
    tax = (vehicle * rule.rate).quantize(Decimal(1), rounding=ROUND_DOWN)
    statutory = registration_costs(
        trim=trim,
        vehicle_model_id=data.vehicle_model_id,
        registration_month=registration_month,
        on_date=on_date,
    )
    return Estimate(
        on_date=on_date,
        price_list_code=price_list.code,
        lines=tuple(lines),
        vehicle_jpy=vehicle,
        consumption_tax_rate=rule.rate,
        consumption_tax_jpy=tax,
        statutory=statutory,
        total_jpy=vehicle + tax + statutory.total_jpy,
    )

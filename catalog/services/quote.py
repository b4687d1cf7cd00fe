"""The landed-cost quote: what one configured vehicle costs delivered into Japan, in whole yen.

Formula (every amount in yen, every step named in the quote with the rate or rule it used):

    FOB (USD)        = trim FOB + colour FOB + FOB of each chosen option (options a package
                       includes cost nothing)
    FOB, freight and insurance are converted at the USD/JPY rate of the date (the latest rate on
    or before it, at most FX_MAX_AGE_DAYS old); insurance is a rate of FOB (in dollars, rounded
    down to the cent before it is converted, so the dollars printed are the dollars converted) or
    a fixed amount.
    CIF              = FOB + freight + insurance                        (the customs value)
    import duty      = duty rate x CIF
    consumption tax  = consumption-tax rate x (CIF + duty)
    environmental performance levy (only while a rule for it is in effect: it ended on
    2026-03-31) = levy rate x (CIF + duty), an estimate: the real levy is assessed on the
    acquisition value at registration
    fees             = the model's fees in yen on the price list (port handling, Japan-specific
                       measures, PDI...)
    total            = CIF + duty + consumption tax + levy + fees + recycling deposit

Rounding rule (one rule, always down, never up): each USD amount converted to yen is rounded
down to the whole yen (insurance computed as a rate of FOB is first rounded down to the cent);
every tax base is rounded down to the ¥1,000 and every tax down to the
¥100. This is the national-tax convention (Act on General Rules for National Taxes arts. 118 and
119) that Japanese customs applies to import duty and import consumption tax; DOMAIN.md states no
rounding, so this is our stated rule. The quote carries it as text.

A quote writes nothing. The annual automobile tax is shown for information, outside the total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import cast

from django.utils.translation import gettext as _

from catalog.errors import ConfigurationInvalid, FxRateMissing, PriceListMissing, PriceMissing, TaxRuleMissing
from catalog.models import TaxKind, TaxRule, Trim
from catalog.models.base import in_current_language
from catalog.selectors import kept
from catalog.selectors.configuration import ColorFacts, ConfigurationData
from catalog.services.configuration import configuration_check
from core import clock
from core.formatting import percent_text, plain_number

FX_MAX_AGE_DAYS = 7  # covers weekends and Japan's longest run of bank holidays (Golden Week)

ROUNDING_RULE_JA = (
    "米ドル建て金額の円換算は1円未満切捨て (FOB価格に料率を掛けた海上保険料は、先に1セント未満切捨て)。"
    "課税標準は1,000円未満切捨て、税額は100円未満切捨て (国税通則法第118条・第119条)。"
)
ROUNDING_RULE_EN = (
    "USD amounts converted to yen are rounded down to the whole yen (marine insurance computed as a "
    "rate of FOB is first rounded down to the cent); each tax base is rounded down to the ¥1,000 and "
    "each tax down to the ¥100 (Act on General Rules for National Taxes, arts. 118 and 119)."
)

_CENT = Decimal("0.01")
_YEN = Decimal("1")
_THOUSAND = Decimal("1000")
_HUNDRED = Decimal("100")


def cents_down(amount: Decimal) -> Decimal:
    """Round a dollar amount down to the cent."""
    return amount.quantize(_CENT, rounding=ROUND_DOWN)


def yen_down(amount: Decimal) -> Decimal:
    """Round down to the whole yen."""
    return amount.quantize(_YEN, rounding=ROUND_DOWN)


# The multiplication sign of the basis column: "USD 28,400.00 × 152.34", "¥4,906,000 × 10%".
TIMES = "×"


def round_down_to(amount: Decimal, unit: Decimal) -> Decimal:
    """Round down to a multiple of `unit` yen (tax bases to ¥1,000, taxes to ¥100)."""
    return (amount / unit).quantize(_YEN, rounding=ROUND_DOWN) * unit


@dataclass(frozen=True)
class QuoteLine:
    """One labelled line of the quote; `amount_usd` when it started in dollars."""

    code: str
    label_ja: str
    label_en: str
    amount_jpy: Decimal
    amount_usd: Decimal | None = None
    basis: str = ""

    @property
    def label(self) -> str:
        return in_current_language(ja=self.label_ja, en=self.label_en)


@dataclass(frozen=True)
class FxRateUsed:
    """The exchange rate the quote converted at, and its date."""

    base_currency: str
    quote_currency: str
    rate: Decimal
    rate_date: dt.date
    source: str


@dataclass(frozen=True)
class PriceListUsed:
    """The published price list the quote priced from."""

    code: str
    effective_from: dt.date
    effective_to: dt.date | None


@dataclass(frozen=True)
class RuleUsed:
    """A tax rule or deposit the quote applied, with the period it is in effect."""

    code: str
    kind: str
    label_ja: str
    label_en: str
    rate: Decimal | None
    amount_jpy: Decimal | None
    effective_from: dt.date
    effective_to: dt.date | None


@dataclass(frozen=True)
class Quote:
    """A landed-cost quote for one configured vehicle on one date; every amount in whole yen."""

    on_date: dt.date
    trim_code: str
    color_code: str
    option_codes: tuple[str, ...]
    included_option_codes: tuple[str, ...]
    subject_to_approval: bool
    fx_rate: FxRateUsed
    price_list: PriceListUsed
    rules: tuple[RuleUsed, ...]
    lines: tuple[QuoteLine, ...]
    fob_usd: Decimal
    fob_jpy: Decimal
    freight_jpy: Decimal
    insurance_jpy: Decimal
    cif_jpy: Decimal
    duty_jpy: Decimal
    consumption_tax_jpy: Decimal
    environmental_levy_jpy: Decimal
    fees_jpy: Decimal
    recycling_deposit_jpy: Decimal
    total_jpy: Decimal
    suggested_retail_jpy: Decimal | None
    annual_automobile_tax_jpy: Decimal | None
    rounding_rule_ja: str = ROUNDING_RULE_JA
    rounding_rule_en: str = ROUNDING_RULE_EN

    def line(self, code: str) -> QuoteLine:
        return next(line for line in self.lines if line.code == code)


def quote_build(
    *,
    trim: Trim,
    color_code: str | None,
    option_codes: Iterable[str],
    on_date: dt.date | None = None,
    fx_max_age_days: int = FX_MAX_AGE_DAYS,
    data: ConfigurationData | None = None,
) -> Quote:
    """Price a configuration landed in Japan on a date (today in Japan by default); writes nothing.

    `data` is the trim's engine data when the caller has already loaded it for this request (the
    configurator pages): the quote then runs ten queries instead of fourteen. Without it the data
    is loaded by the trim's id, so the count never depends on what the caller prefetched.
    """
    on_date = on_date or clock.today_jst()
    if data is None:
        data = kept.trim_configuration_data(trim_id=trim.pk)
    elif data.trim_id != trim.pk:
        raise ValueError(f"Configuration data of trim {data.trim_code} cannot price trim {trim.code}")
    configuration = configuration_check(data=data, color_code=color_code, option_codes=list(option_codes))
    if not configuration.valid:
        raise ConfigurationInvalid(configuration.errors)
    color = cast(ColorFacts, configuration.color)  # a valid configuration always has its colour

    price_list = kept.price_list_in_effect(
        maker_id=data.maker_id, vehicle_model_id=data.vehicle_model_id, on_date=on_date
    )
    if price_list is None:
        raise PriceListMissing(
            fields={"on_date": [_("No published price list on %(date)s.") % {"date": on_date.isoformat()}]}
        )
    fx = kept.fx_rate_on(on_date=on_date, max_age_days=fx_max_age_days)
    if fx is None:
        raise FxRateMissing(
            fields={
                "on_date": [
                    _("No USD/JPY rate between %(oldest)s and %(date)s.")
                    % {"oldest": (on_date - dt.timedelta(days=fx_max_age_days)).isoformat(), "date": on_date}
                ]
            }
        )

    charged_codes = [option.code for option in configuration.options if option.charged]
    trim_price = kept.trim_price(price_list_id=price_list.pk, trim_id=trim.pk)
    option_prices = kept.option_prices(
        price_list_id=price_list.pk, option_codes=charged_codes, maker_id=data.maker_id
    )
    color_price = kept.color_price(price_list_id=price_list.pk, color_id=color.id)
    logistics = kept.model_logistics(price_list_id=price_list.pk, vehicle_model_id=data.vehicle_model_id)
    missing: dict[str, list[str]] = {}
    if trim_price is None:
        missing["trim"] = [_("Trim %(code)s has no price.") % {"code": data.trim_code}]
    unpriced = [code for code in charged_codes if code not in option_prices]
    if unpriced:
        missing["options"] = [_("Option %(code)s has no price.") % {"code": code} for code in unpriced]
    if color_price is None:
        missing["color"] = [_("Colour %(code)s has no price.") % {"code": color.code}]
    if logistics is None:
        missing["logistics"] = [_("The model has no freight and insurance costs.")]
    if trim_price is None or color_price is None or logistics is None or missing:
        raise PriceMissing(fields=missing)

    rules = kept.tax_rules_in_effect(vehicle_model_id=data.vehicle_model_id, on_date=on_date)
    deposit = kept.recycling_deposit_on(vehicle_model_id=data.vehicle_model_id, on_date=on_date)
    absent = [kind for kind in (TaxKind.IMPORT_DUTY, TaxKind.CONSUMPTION_TAX) if kind not in rules]
    if absent or deposit is None:
        fields = {
            kind: [_("No rule in effect on %(date)s.") % {"date": on_date.isoformat()}] for kind in absent
        }
        if deposit is None:
            fields["recycling_deposit"] = [_("No recycling deposit for the model on that date.")]
        raise TaxRuleMissing(fields=fields)
    fees = kept.model_fees(price_list_id=price_list.pk, vehicle_model_id=data.vehicle_model_id)
    bracket = kept.automobile_tax_bracket_for(displacement_cc=data.displacement_cc, on_date=on_date)

    rate = fx.rate
    lines: list[QuoteLine] = []

    def usd_line(code: str, label_ja: str, label_en: str, usd: Decimal) -> QuoteLine:
        # A free item (a no-cost colour) has no conversion to show.
        basis = f"USD {usd:,.2f} {TIMES} {plain_number(rate)}" if usd else ""
        line = QuoteLine(code, label_ja, label_en, yen_down(usd * rate), usd, basis)
        lines.append(line)
        return line

    usd_line(
        f"trim:{data.trim_code}",
        data.trim_name_ja,
        data.trim_name_en,
        trim_price.fob_usd,
    )
    usd_line(
        f"color:{color.code}", f"ボディカラー {color.name_ja}", f"Colour {color.name_en}", color_price.fob_usd
    )
    for option in configuration.options:
        if option.charged:
            usd_line(
                f"option:{option.code}", option.name_ja, option.name_en, option_prices[option.code].fob_usd
            )
        else:
            lines.append(
                QuoteLine(
                    f"option:{option.code}",
                    f"{option.name_ja} ({option.included_by}に含む)",
                    f"{option.name_en} (included in {option.included_by})",
                    Decimal(0),
                    Decimal(0),
                )
            )
    fob_usd = sum((line.amount_usd or Decimal(0) for line in lines), Decimal(0))
    fob_jpy = sum((line.amount_jpy for line in lines), Decimal(0))
    lines.append(QuoteLine("fob", "FOB価格 計", "FOB total", fob_jpy, fob_usd))

    freight = usd_line("freight", "海上運賃", "Ocean freight", logistics.ocean_freight_usd)
    if logistics.insurance_rate is not None:
        # Down to the cent first: the line prints dollars and cents, and its yen are those dollars
        # times the rate (151.025 would print as 151.02 and convert as 151.025).
        insurance_usd = cents_down(fob_usd * logistics.insurance_rate)
        insurance = QuoteLine(
            "insurance",
            "海上保険",
            "Marine insurance",
            yen_down(insurance_usd * rate),
            insurance_usd,
            f"USD {fob_usd:,.2f} {TIMES} {percent_text(logistics.insurance_rate)}"
            f" → USD {insurance_usd:,.2f} {TIMES} {plain_number(rate)}",
        )
        lines.append(insurance)
    else:
        insurance = usd_line("insurance", "海上保険", "Marine insurance", logistics.insurance_usd)
    cif = fob_jpy + freight.amount_jpy + insurance.amount_jpy
    lines.append(QuoteLine("cif", "CIF価格 (課税価格)", "CIF (customs value)", cif))

    used: list[RuleUsed] = []
    duty = _tax_line(rules[TaxKind.IMPORT_DUTY], cif, "duty", "関税", "Import duty", lines, used)
    consumption_tax = _tax_line(
        rules[TaxKind.CONSUMPTION_TAX],
        cif + duty,
        "consumption_tax",
        "輸入消費税",
        "Import consumption tax",
        lines,
        used,
    )
    levy = Decimal(0)
    if TaxKind.ENVIRONMENTAL_LEVY in rules:
        levy = _tax_line(
            rules[TaxKind.ENVIRONMENTAL_LEVY],
            cif + duty,
            "environmental_levy",
            "環境性能割 (見込み)",
            "Environmental performance levy (estimate)",
            lines,
            used,
        )
    fees_total = Decimal(0)
    for fee in fees:
        fees_total += fee.amount_jpy
        lines.append(
            QuoteLine(f"fee:{fee.fee_type.code}", fee.fee_type.name_ja, fee.fee_type.name_en, fee.amount_jpy)
        )
    lines.append(QuoteLine("recycling_deposit", "リサイクル預託金", "Recycling deposit", deposit.amount_jpy))
    used.append(
        RuleUsed(
            code=f"recycling_deposit:{data.vehicle_model_code}",
            kind="recycling_deposit",
            label_ja="リサイクル預託金",
            label_en="Recycling deposit",
            rate=None,
            amount_jpy=deposit.amount_jpy,
            effective_from=deposit.effective_from,
            effective_to=deposit.effective_to,
        )
    )
    total = cif + duty + consumption_tax + levy + fees_total + deposit.amount_jpy
    lines.append(QuoteLine("total", "合計 (輸入諸掛込み)", "Total landed cost", total))

    return Quote(
        on_date=on_date,
        trim_code=data.trim_code,
        color_code=color.code,
        option_codes=tuple(option.code for option in configuration.options if option.charged),
        included_option_codes=tuple(option.code for option in configuration.options if not option.charged),
        subject_to_approval=configuration.subject_to_approval,
        fx_rate=FxRateUsed(fx.base_currency, fx.quote_currency, fx.rate, fx.rate_date, fx.source),
        price_list=PriceListUsed(price_list.code, price_list.effective_from, price_list.effective_to),
        rules=tuple(used),
        lines=tuple(lines),
        fob_usd=fob_usd,
        fob_jpy=fob_jpy,
        freight_jpy=freight.amount_jpy,
        insurance_jpy=insurance.amount_jpy,
        cif_jpy=cif,
        duty_jpy=duty,
        consumption_tax_jpy=consumption_tax,
        environmental_levy_jpy=levy,
        fees_jpy=fees_total,
        recycling_deposit_jpy=deposit.amount_jpy,
        total_jpy=total,
        suggested_retail_jpy=trim_price.suggested_retail_jpy,
        annual_automobile_tax_jpy=bracket.amount_jpy if bracket else None,
    )


def _tax_line(
    rule: TaxRule,
    base: Decimal,
    code: str,
    label_ja: str,
    label_en: str,
    lines: list[QuoteLine],
    used: list[RuleUsed],
) -> Decimal:
    """Apply one tax rule: base down to ¥1,000, tax down to ¥100 (or the rule's fixed amount)."""
    if rule.rate is not None:
        taxable = round_down_to(base, _THOUSAND)
        amount = round_down_to(taxable * rule.rate, _HUNDRED)
        basis = f"¥{taxable:,} {TIMES} {percent_text(rule.rate)}"
    else:
        amount = rule.amount_jpy
        basis = f"¥{amount:,}"
    lines.append(QuoteLine(code, label_ja, label_en, amount, None, basis))
    used.append(
        RuleUsed(
            code=rule.code,
            kind=rule.kind,
            label_ja=rule.name_ja,
            label_en=rule.name_en,
            rate=rule.rate,
            amount_jpy=rule.amount_jpy,
            effective_from=rule.effective_from,
            effective_to=rule.effective_to,
        )
    )
    return amount

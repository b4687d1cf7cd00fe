"""Statutory costs at a new car's registration in Japan, from dated data in the catalog.

What a Japanese sales estimate lists as 法定費用 (non-taxable statutory costs), each read from a
dated row of the catalog, never from a constant:

- annual automobile tax (自動車税種別割) by displacement (`AutomobileTaxBracket`), charged pro rata
  for the rest of the fiscal year (April to March): a car registered in month M pays for the
  months from M + 1 to March, so 11/12 in April and nothing in March; the amount is rounded down
  to the ¥100, as the prefectures do (Local Tax Act art. 177-10 and art. 20-4-2);
- motor vehicle tonnage tax (自動車重量税) by vehicle weight in 0.5 t brackets, for the first
  inspection period (`TonnageTaxBracket`, 3 years for a new private passenger car);
- compulsory liability insurance (自賠責保険) for a period in months (`CompulsoryInsurancePremium`,
  37 months for a new car: the 36-month first inspection period and a month's margin);
- the recycling deposit (リサイクル預託金) of the model (`RecyclingDeposit`).

The amounts are those of a private passenger car (plate class 3). A trim whose plate class is not
decided (a pickup that may register as cargo, 1) is costed as a passenger car and every line is
marked provisional: a cargo registration is taxed by payload and inspected every year.
Writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from catalog.errors import TaxRuleMissing
from catalog.models import CompulsoryInsurancePremium, TonnageTaxBracket, Trim
from catalog.models.base import in_current_language
from catalog.selectors import pricing
from catalog.selectors.pricing import in_effect_on
from catalog.services.quote import round_down_to

FIRST_INSPECTION_YEARS = 3  # a new private passenger car's first inspection period
NEW_CAR_INSURANCE_MONTHS = 37
FISCAL_YEAR_FIRST_MONTH = 4  # April

_HUNDRED = Decimal(100)


def months_taxed(registration_month: dt.date) -> int:
    """Months of automobile tax for the fiscal year of a registration in that month (0 to 11).

    The tax runs from the month after registration to March: April gives 11, February 1, March 0.
    """
    return (FISCAL_YEAR_FIRST_MONTH - 1 - registration_month.month) % 12


def automobile_tax_pro_rata(*, annual_jpy: Decimal, registration_month: dt.date) -> Decimal:
    """The automobile tax paid at registration: the annual amount × months / 12, down to the ¥100."""
    return round_down_to(annual_jpy * months_taxed(registration_month) / 12, _HUNDRED)


@dataclass(frozen=True)
class StatutoryLine:
    """One statutory cost with what it was computed from and the dated rule it came from."""

    code: str
    label_ja: str
    label_en: str
    amount_jpy: Decimal
    basis_ja: str
    basis_en: str
    source: str
    effective_from: dt.date
    provisional: bool = False

    @property
    def label(self) -> str:
        return in_current_language(ja=self.label_ja, en=self.label_en)

    @property
    def basis(self) -> str:
        return in_current_language(ja=self.basis_ja, en=self.basis_en)


@dataclass(frozen=True)
class RegistrationCosts:
    """The statutory costs of registering one vehicle in a month, on the data in effect then."""

    registration_month: dt.date
    on_date: dt.date
    lines: tuple[StatutoryLine, ...]
    total_jpy: Decimal
    provisional: bool


def registration_costs(
    *,
    trim: Trim,
    vehicle_model_id: int,
    registration_month: dt.date,
    on_date: dt.date,
    insurance_months: int = NEW_CAR_INSURANCE_MONTHS,
) -> RegistrationCosts:
    """The statutory costs of `trim` registered in `registration_month` (its first day is used).

    The rows in effect on the later of `on_date` (today) and the first day of that month apply:
    a quote for a car registered next April uses next April's rates once they are entered.
    Raises TaxRuleMissing naming every cost without a row in effect.
    """
    month = registration_month.replace(day=1)
    data_date = max(on_date, month)
    provisional = not trim.plate_class
    bracket = pricing.automobile_tax_bracket_for(displacement_cc=trim.displacement_cc, on_date=data_date)
    weight = trim.curb_weight_kg
    tonnage = (
        TonnageTaxBracket.objects.filter(
            in_effect_on(data_date), years=FIRST_INSPECTION_YEARS, weight_over_kg__lt=weight
        )
        .filter(Q(weight_upto_kg__isnull=True) | Q(weight_upto_kg__gte=weight))
        .order_by("-weight_over_kg")
        .first()
    )
    insurance = (
        CompulsoryInsurancePremium.objects.filter(in_effect_on(data_date), months=insurance_months)
        .order_by("-effective_from")
        .first()
    )
    deposit = pricing.recycling_deposit_on(vehicle_model_id=vehicle_model_id, on_date=data_date)
    missing: dict[str, list[str]] = {}
    when = {"date": data_date.isoformat()}
    if bracket is None:
        missing["automobile_tax"] = [_("No automobile tax bracket for the displacement on %(date)s.") % when]
    if tonnage is None:
        missing["tonnage_tax"] = [_("No tonnage tax bracket for the vehicle weight on %(date)s.") % when]
    if insurance is None:
        missing["compulsory_insurance"] = [
            _("No compulsory insurance premium for %(months)s months on %(date)s.")
            % {"months": insurance_months, **when}
        ]
    if deposit is None:
        missing["recycling_deposit"] = [_("No recycling deposit for the model on that date.")]
    if bracket is None or tonnage is None or insurance is None or deposit is None:
        raise TaxRuleMissing(fields=missing)

    months = months_taxed(month)
    cc = f"{trim.displacement_cc:,} cc" if trim.displacement_cc else "EV"
    lines = (
        StatutoryLine(
            code="automobile_tax",
            label_ja="自動車税 (種別割・月割)",
            label_en="Automobile tax (pro rata)",
            amount_jpy=automobile_tax_pro_rata(annual_jpy=bracket.amount_jpy, registration_month=month),
            basis_ja=f"年額 ¥{bracket.amount_jpy:,} ({cc}) × {months}/12 ({month.year}年{month.month}月登録)",
            basis_en=f"¥{bracket.amount_jpy:,} a year ({cc}) × {months}/12 (registered {month:%Y-%m})",
            source=bracket.source,
            effective_from=bracket.effective_from,
            provisional=provisional,
        ),
        StatutoryLine(
            code="tonnage_tax",
            label_ja=f"自動車重量税 ({tonnage.years}年)",
            label_en=f"Tonnage tax ({tonnage.years} years)",
            amount_jpy=tonnage.amount_jpy,
            basis_ja=f"車両重量 {weight:,} kg",
            basis_en=f"vehicle weight {weight:,} kg",
            source=tonnage.source,
            effective_from=tonnage.effective_from,
            provisional=provisional,
        ),
        StatutoryLine(
            code="compulsory_insurance",
            label_ja=f"自賠責保険料 ({insurance.months}か月)",
            label_en=f"Compulsory insurance ({insurance.months} months)",
            amount_jpy=insurance.amount_jpy,
            basis_ja="自家用乗用自動車",
            basis_en="private passenger car",
            source=insurance.source,
            effective_from=insurance.effective_from,
            provisional=provisional,
        ),
        StatutoryLine(
            code="recycling_deposit",
            label_ja="リサイクル預託金",
            label_en="Recycling deposit",
            amount_jpy=deposit.amount_jpy,
            basis_ja="",
            basis_en="",
            source=deposit.source,
            effective_from=deposit.effective_from,
        ),
    )
    return RegistrationCosts(
        registration_month=month,
        on_date=data_date,
        lines=lines,
        total_jpy=sum((line.amount_jpy for line in lines), Decimal(0)),
        provisional=provisional,
    )

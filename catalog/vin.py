"""VIN facts the catalog owns (49 CFR 565): the model-year code and the characters a VIN may use."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Position 10 cycles every 30 years through these characters, starting with A for 1980.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
_FIRST_YEAR = 1980

# Every VIN character: digits and capitals except I, O and Q.
VIN_CHARACTERS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"

wmi_validator = RegexValidator(r"^[0-9A-HJ-NPR-Z]{3}$", _("A WMI is three VIN characters (never I, O or Q)."))
plant_letter_validator = RegexValidator(
    r"^[0-9A-HJ-NPR-Z]$", _("A plant code is one VIN character (never I, O or Q).")
)


def vin_year_code(year: int) -> str:
    """The VIN position-10 character for a model year (2025 S, 2026 T, 2027 V...)."""
    if year < _FIRST_YEAR:
        raise ValueError(f"model year {year} predates the 30-year VIN year cycle starting {_FIRST_YEAR}")
    return _YEAR_CODES[(year - _FIRST_YEAR) % len(_YEAR_CODES)]

"""VIN facts the catalog owns (49 CFR 565): the characters, the check digit, the model-year code, and
the validation a VIN passes before it is assigned to an order.

Pure functions: callers pass what the VIN must agree with (the WMIs and plant letter of the plant that
builds the order's model year, and that model year), so the rules can be tested without a database.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.validators import RegexValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.errors import VinInvalid

# Position 10 cycles every 30 years through these characters, starting with A for 1980.
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
_FIRST_YEAR = 1980

# Every VIN character: digits and capitals except I, O and Q.
VIN_CHARACTERS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
VIN_LENGTH = 17
CHECK_DIGIT_POSITION = 9

# 49 CFR 565.15(c): each character's value, and each position's weight (position 9 weighs nothing).
# Letters share values (A and J are both 1, B K S 2...), so a substitution between two of them is
# invisible to the check digit; the tests state exactly which substitutions it catches.
TRANSLITERATION: dict[str, int] = {digit: int(digit) for digit in "0123456789"} | dict(
    zip(
        "ABCDEFGHJKLMNPRSTUVWXYZ",
        (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9),
        strict=True,
    )
)
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)

wmi_validator = RegexValidator(r"^[0-9A-HJ-NPR-Z]{3}$", _("A WMI is three VIN characters (never I, O or Q)."))
plant_letter_validator = RegexValidator(
    r"^[0-9A-HJ-NPR-Z]$", _("A plant code is one VIN character (never I, O or Q).")
)


def vin_year_code(year: int) -> str:
    """The VIN position-10 character for a model year (2025 S, 2026 T, 2027 V...)."""
    if year < _FIRST_YEAR:
        raise ValueError(f"model year {year} predates the 30-year VIN year cycle starting {_FIRST_YEAR}")
    return _YEAR_CODES[(year - _FIRST_YEAR) % len(_YEAR_CODES)]


@dataclass(frozen=True)
class VinProblem:
    """One broken VIN rule: a stable code, the 1-based position it starts at, expected and found."""

    code: str
    message: str
    position: int | None = None
    expected: str | int | tuple[str, ...] | None = None
    found: str | int | None = None

    def as_detail(self) -> dict[str, Any]:
        """The problem as the API's `details` shows it (empty parts left out)."""
        expected = list(self.expected) if isinstance(self.expected, tuple) else self.expected
        detail = {
            "code": self.code,
            "position": self.position,
            "message": self.message,
            "expected": expected,
            "found": self.found,
        }
        return {key: value for key, value in detail.items() if value is not None}


def _code_point(character: str) -> str:
    return f"U+{ord(character):04X}"


def _shown(character: str) -> str:
    """A character as a message shows it: invisible ones (spaces, format, control, combining marks)
    only by code point and name; visible ones with both, so that a Cyrillic A reads as what it is."""
    label = f"{_code_point(character)} {unicodedata.name(character, '')}".strip()
    if unicodedata.category(character)[0] in "CZM":
        return label
    return f'"{character}" ({label})'


def vin_normalize(raw: str) -> str:
    """The VIN as stored: NFKC-normalised (fullwidth letters and digits become ASCII), trimmed, capitals.

    Raises VinInvalid naming the first character outside the VIN alphabet (Cyrillic or Greek
    lookalikes, zero-width characters, inner spaces and hyphens, I, O, Q) or else the wrong length.
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    # Only ASCII letters are raised to capitals: str.upper() would also turn U+00DF (sharp s) into "SS",
    # two VIN characters out of one that is not.
    vin = "".join(character.upper() if "a" <= character <= "z" else character for character in text)
    for position, character in enumerate(vin, start=1):
        if character not in TRANSLITERATION:
            message = gettext(
                "Position %(position)s: %(character)s is not a VIN character "
                "(a VIN uses digits and capital letters except I, O and Q)."
            ) % {"position": position, "character": _shown(character)}
            raise VinInvalid(
                [VinProblem("bad_character", message, position=position, found=_code_point(character))]
            )
    if len(vin) != VIN_LENGTH:
        message = gettext("A VIN has 17 characters; this one has %(length)s.") % {"length": len(vin)}
        raise VinInvalid([VinProblem("bad_length", message, expected=VIN_LENGTH, found=len(vin))])
    return vin


def vin_check_digit(vin: str) -> str:
    """The 49 CFR 565 check digit (position 9, "0"-"9" or "X") of a normalised VIN.

    Takes the 17 characters (position 9 itself weighs 0, so whatever stands there is ignored) or the
    16 others, positions 1-8 then 10-17.
    """
    if len(vin) == VIN_LENGTH - 1:
        vin = f"{vin[: CHECK_DIGIT_POSITION - 1]}0{vin[CHECK_DIGIT_POSITION - 1 :]}"
    if len(vin) != VIN_LENGTH or any(character not in TRANSLITERATION for character in vin):
        raise ValueError(f"not 16 or 17 normalised VIN characters: {vin!r}")
    remainder = sum(
        TRANSLITERATION[character] * weight for character, weight in zip(vin, WEIGHTS, strict=True)
    )
    return "X" if remainder % 11 == 10 else str(remainder % 11)


def _is_vin_text(value: str, length: int) -> bool:
    return len(value) == length and all(character in TRANSLITERATION for character in value)


def vin_validate(raw: str, *, wmis: Iterable[str], plant_letter: str, model_year: int) -> str:
    """The normalised VIN if it can be assigned to an order of this model year built at this plant.

    Raises VinInvalid naming every problem: the WMI (positions 1-3) is not one of `wmis`, the check
    digit (9) does not match, the year code (10) is not `model_year`'s, the plant (11) is not
    `plant_letter`. A VIN that is not 17 VIN characters is refused by vin_normalize alone, since its
    positions cannot be read. Expectations that are not VIN characters are the caller's error
    (ValueError): a plant without WMIs or a plant letter on record cannot have its VINs checked.
    """
    expected_wmis = tuple(sorted(set(wmis)))
    if not expected_wmis or not all(_is_vin_text(wmi, 3) for wmi in expected_wmis):
        raise ValueError(f"the WMIs to check against must be three VIN characters each: {expected_wmis!r}")
    if not _is_vin_text(plant_letter, 1):
        raise ValueError(f"the plant letter to check against must be one VIN character: {plant_letter!r}")
    expected_year = vin_year_code(model_year)

    vin = vin_normalize(raw)
    problems: list[VinProblem] = []
    if vin[:3] not in expected_wmis:
        message = gettext("Positions 1-3 (manufacturer identifier) are %(found)s; expected %(expected)s.") % {
            "found": vin[:3],
            "expected": " / ".join(expected_wmis),
        }
        problems.append(VinProblem("wmi", message, position=1, expected=expected_wmis, found=vin[:3]))
    check_digit, found = vin_check_digit(vin), vin[CHECK_DIGIT_POSITION - 1]
    if found != check_digit:
        message = gettext(
            "Position 9 (check digit) is %(found)s; the other 16 characters give %(expected)s."
        ) % {"found": found, "expected": check_digit}
        problems.append(
            VinProblem(
                "check_digit", message, position=CHECK_DIGIT_POSITION, expected=check_digit, found=found
            )
        )
    if vin[9] != expected_year:
        message = gettext("Position 10 (model year) is %(found)s; model year %(year)s is %(expected)s.") % {
            "found": vin[9],
            "year": model_year,
            "expected": expected_year,
        }
        problems.append(VinProblem("model_year", message, position=10, expected=expected_year, found=vin[9]))
    if vin[10] != plant_letter:
        message = gettext("Position 11 (plant) is %(found)s; expected %(expected)s.") % {
            "found": vin[10],
            "expected": plant_letter,
        }
        problems.append(VinProblem("plant", message, position=11, expected=plant_letter, found=vin[10]))
    if problems:
        raise VinInvalid(problems)
    return vin

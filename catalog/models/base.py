"""Building blocks shared by the catalog's models: bilingual names and stable public codes."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNamed, in_current_language

__all__ = ["BilingualNamed", "code_field", "in_current_language", "jpy_field", "usd_field"]

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Use letters, digits, dots, hyphens and underscores, starting with a letter or digit."),
)


def code_field(*, unique: bool = False, max_length: int = 40) -> models.CharField:
    """A stable public code: the API and CSV files address rows by it, never by id."""
    return models.CharField(
        _("code"), max_length=max_length, unique=unique, db_index=not unique, validators=[code_validator]
    )


def usd_field(verbose_name: str, **kwargs) -> models.DecimalField:
    """An amount in US dollars and cents."""
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


def jpy_field(verbose_name: str, **kwargs) -> models.DecimalField:
    """An amount in whole Japanese yen."""
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=0, **kwargs)


def effective_dates_valid(prefix: str) -> models.CheckConstraint:
    """effective_to, when set, comes after effective_from (periods are [from, to): `to` is excluded)."""
    return models.CheckConstraint(
        condition=models.Q(effective_to__isnull=True) | models.Q(effective_to__gt=models.F("effective_from")),
        name=f"{prefix}_effective_to_after_from",
    )

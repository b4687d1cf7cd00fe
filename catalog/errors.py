"""The catalog's application errors: each a core.errors subclass with a stable code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, Unprocessable, ValidationFailed

if TYPE_CHECKING:
    from catalog.services.configuration import ConfigurationError
    from catalog.vin import VinProblem


def error_as_dict(error: ConfigurationError) -> dict[str, Any]:
    """One broken rule as the API's `details` shows it."""
    return {
        "code": error.code,
        "message": str(error.message),
        "field": error.field,
        "option": error.option,
        "target": error.target,
        "color": error.color,
    }


class ConfigurationInvalid(ValidationFailed):
    """A trim, colour and options that break one or more rules; `errors` names every one."""

    default_code = "configuration_invalid"
    default_message = _("The configuration breaks one or more rules.")

    def __init__(self, errors: tuple[ConfigurationError, ...], **kwargs: Any) -> None:
        self.errors = errors
        fields: dict[str, list[str]] = {}
        for error in errors:
            fields.setdefault(error.field, []).append(error.message)
        details = [
            {key: value for key, value in error_as_dict(error).items() if value not in (None, "")}
            for error in errors
        ]
        super().__init__(fields=fields, details=details, **kwargs)


class PriceListMissing(Unprocessable):
    """No published price list covers the trim on the date."""

    default_code = "price_list_missing"
    default_message = _("No published price list covers this model on that date.")


class PriceMissing(Unprocessable):
    """The price list in effect has no price for part of the configuration."""

    default_code = "price_missing"
    default_message = _("The price list in effect does not price every part of this configuration.")


class FxRateMissing(Unprocessable):
    """No exchange rate recent enough for the date."""

    default_code = "fx_rate_missing"
    default_message = _("No recent enough exchange rate for that date.")


class TaxRuleMissing(Unprocessable):
    """A tax rule or recycling deposit the quote needs is not in the data for the date."""

    default_code = "tax_rule_missing"
    default_message = _("A tax rule the quote needs is missing for that date.")


class PriceListOverlap(Conflict):
    """Publishing would make two published price lists of the same scope overlap in dates."""

    default_code = "price_list_overlap"
    default_message = _("Another published price list of the same scope covers some of these dates.")


class PriceListPublishedImmutable(Conflict):
    """A published price list's rows cannot change: make a new list instead."""

    default_code = "price_list_published"
    default_message = _("A published price list cannot be changed; create a new draft list instead.")


class PriceImportInvalid(ValidationFailed):
    """A price-list CSV with at least one bad row: nothing was imported; `fields` names each row."""

    default_code = "price_import_invalid"
    default_message = _("The file was refused; nothing was imported.")


class VinInvalid(ValidationFailed):
    """A VIN that breaks the alphabet, the length, the check digit or its order's WMI, year or plant."""

    default_code = "invalid_vin"
    default_message = _("This VIN cannot be accepted.")

    def __init__(self, problems: Sequence[VinProblem], **kwargs: Any) -> None:
        self.problems = tuple(problems)
        super().__init__(
            fields={"vin": [problem.message for problem in self.problems]},
            details=[problem.as_detail() for problem in self.problems],
            **kwargs,
        )


class FxSourceUnavailable(Unprocessable):
    """The FX source could not be read: no answer in time, refused, or an HTTP error status."""

    default_code = "fx_source_unavailable"
    default_message = _("The exchange-rate source could not be read; nothing was imported.")


class FxSourceInvalid(Unprocessable):
    """The FX source answered something that is not a sane USD/JPY rate; nothing was imported."""

    default_code = "fx_source_invalid"
    default_message = _("The exchange-rate source answered something that is not a usable rate.")


class FxImportInvalid(ValidationFailed):
    """An exchange-rate file with at least one bad line: nothing was imported; `fields` names each."""

    default_code = "fx_import_invalid"
    default_message = _("The file was refused; nothing was imported.")

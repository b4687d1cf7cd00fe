"""Forms of the catalog pages: they only bound and shape the input; the engine judges the build.

Codes that do not exist are left for the build-validity engine, which names each one; these forms
refuse only what no page could send (over-long codes, hundreds of values).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from catalog.selectors.portal import MAX_COMPARED_TRIMS, MIN_COMPARED_TRIMS

CODE_MAX_LENGTH = 40  # catalog.models.base.code_field
MAX_OPTIONS = 50


class CodeListField(forms.Field):
    """Several values of one name (`?trims=A&trims=B`), each a code; at most `max_count`.

    `unique` drops repeats (keeping the first); otherwise they are kept for the engine to name.
    """

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "too_many": ngettext_lazy("Give at most %(limit)d value.", "Give at most %(limit)d values.", "limit"),
        "too_long": _("A code is at most %(length)d characters long."),
        # Django's own message, translated here: its Japanese catalogue says "enter some characters".
        "null_characters": _("Null characters are not allowed."),
    }

    def __init__(self, *, max_count: int, unique: bool = False, **kwargs) -> None:
        self.max_count = max_count
        self.unique = unique
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        codes = [code for code in (str(item).strip() for item in value) if code]
        return list(dict.fromkeys(codes)) if self.unique else codes

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if len(value) > self.max_count:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": self.max_count}
            )
        if any(len(code) > CODE_MAX_LENGTH for code in value):
            raise ValidationError(
                self.error_messages["too_long"], code="too_long", params={"length": CODE_MAX_LENGTH}
            )
        # Not a CharField, so Django's null-character validator does not run: a NUL reaching a
        # query is a 500 on PostgreSQL (the middleware refuses it in query strings and forms first).
        if any("\x00" in code for code in value):
            raise ValidationError(self.error_messages["null_characters"], code="null_characters_not_allowed")


class ConfigurationForm(forms.Form):
    """A colour and options for one trim (the configurator's form and the quote's query string).

    `last_color` / `last_options`: the last valid build, which the configurator carries beside a
    broken one so that its price stays on the page (marked out of date) until the build is repaired.
    """

    color = forms.CharField(required=False, max_length=CODE_MAX_LENGTH, strip=True)
    options = CodeListField(max_count=MAX_OPTIONS)
    last_color = forms.CharField(required=False, max_length=CODE_MAX_LENGTH, strip=True)
    last_options = CodeListField(max_count=MAX_OPTIONS)


class CompareForm(forms.Form):
    """Two to four trim codes to compare side by side; each is counted once."""

    trims = CodeListField(
        max_count=MAX_COMPARED_TRIMS,
        unique=True,
        error_messages={"too_many": _("Compare at most %(limit)d trims at a time.")},
    )

    def clean_trims(self) -> list[str]:
        codes = self.cleaned_data["trims"]
        if len(codes) < MIN_COMPARED_TRIMS:
            raise ValidationError(
                _("Choose at least %(minimum)d trims to compare."),
                code="too_few",
                params={"minimum": MIN_COMPARED_TRIMS},
            )
        return codes

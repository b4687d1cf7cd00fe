"""The form of a quote's printouts and of saving it: the build, the customer's name, the month."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.forms import ConfigurationForm

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class MonthInput(forms.CharField):
    """`YYYY-MM` (what `<input type=month>` sends) as the month's first day; empty is None."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        match = MONTH_RE.match(text)
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValidationError(_("Enter a month as YYYY-MM."), code="invalid")
        return dt.date(int(match[1]), int(match[2]), 1)


class QuoteBuildForm(ConfigurationForm):
    """`?trim=&color=&options=&customer=&registration=`: the build and for whom it is quoted."""

    trim = forms.CharField(max_length=40, strip=True)
    customer = forms.CharField(required=False, max_length=100, strip=True, label=_("Customer name"))
    registration = MonthInput(required=False, label=_("Registration month"))

    def clean(self):
        cleaned = super().clean()
        for name in ("customer", "trim", "color"):
            if "\x00" in (cleaned.get(name) or ""):
                self.add_error(name, _("Null characters are not allowed."))
        return cleaned

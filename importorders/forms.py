"""Forms of the order pages: they bound and shape the input; the services judge it.

The list's filters are the API's (`importorders.api.filters.OrderFilter`: the same names, the same
indexes), with the portal's additions: a dealer filter for the back office and a search that ignores
case on every database. Writes build the services' typed value (`OrderChanges`); a rule the service
refuses comes back as its field's error.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.forms import CODE_MAX_LENGTH, MAX_OPTIONS, CodeListField
from catalog.models.base import in_current_language
from catalog.selectors.configuration import ConfigurationData
from core.callers import Caller
from core.errors import ApplicationError
from core.scoping import scoped
from importorders.api.filters import MonthFormField, OrderFilter
from importorders.models import Dealer, Order, OrderKind
from importorders.models.orders import reference_normalize
from importorders.services.orders import OrderChanges

# How many orders one bulk action takes at most (a page of the queue).
BULK_MAX = 50


def month_after(day: dt.date) -> dt.date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


class PortalOrderFilter(OrderFilter):
    """`?status=&model=&month=&kind=&q=&dealer=`: the API's filters, plus the dealer (back office).

    `q` is an order reference as a person types it, or the start of a customer reference in any
    case (an index on UPPER(customer_reference) serves it on PostgreSQL).
    """

    dealer = django_filters.ModelChoiceFilter(
        field_name="dealer", to_field_name="code", queryset=Dealer.objects.none()
    )

    class Meta(OrderFilter.Meta):
        fields = [*OrderFilter.Meta.fields, "dealer"]

    def __init__(self, data=None, queryset=None, *, caller: Caller, **kwargs) -> None:
        super().__init__(data, queryset, **kwargs)
        if caller.is_back_office:
            self.filters["dealer"].queryset = scoped(Dealer, caller).order_by("code")
        else:
            # A dealer sees its own orders only: nothing to choose.
            del self.filters["dealer"]

    def search(self, queryset, name, value: str):
        text = value.strip()
        return queryset.filter(
            Q(reference=reference_normalize(text)) | Q(customer_reference__istartswith=text)
        )


class MonthInput(forms.TextInput):
    """A month picker (`YYYY-MM`, what MonthFormField reads); a text field where there is none."""

    input_type = "month"

    def format_value(self, value):
        if isinstance(value, dt.date):
            return value.strftime("%Y-%m")
        return super().format_value(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrderTermsForm(forms.Form):
    """What a dealer decides about an order besides its build: kind, customer, month, priority, notes."""

    kind = forms.ChoiceField(label=_("kind"), choices=OrderKind.choices, widget=forms.RadioSelect)
    customer_reference = forms.CharField(
        label=_("customer reference"),
        max_length=60,
        required=False,
        help_text=_("Your own reference for the customer; required for a sold order."),
    )
    promised_date = forms.DateField(
        label=_("promised to the customer"), required=False, widget=DateInput(), input_formats=["%Y-%m-%d"]
    )
    requested_month = MonthFormField(label=_("requested month"), widget=MonthInput())
    priority = forms.IntegerField(
        label=_("priority"),
        min_value=0,
        max_value=2_147_483_647,
        initial=100,
        help_text=_("Your own order within your order bank: lower first."),
    )
    notes = forms.CharField(
        label=_("notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    TERMS = ("kind", "customer_reference", "promised_date", "requested_month", "priority", "notes")

    def clean_promised_date(self) -> dt.date | None:
        value = self.cleaned_data.get("promised_date")
        if value is not None and not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
            raise forms.ValidationError(_("Choose a date from 2000-01-01 to 2100-12-31."))
        return value

    def terms(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "customer_reference": data.get("customer_reference") or "",
            "promised_date": data.get("promised_date"),
            "requested_month": data["requested_month"],
            "priority": data["priority"],
            "notes": data.get("notes") or "",
        }

    def refused(self, error: ApplicationError) -> None:
        """Show what a service refused beside the field it names (else above the form)."""
        for field, messages in error.fields.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        if not error.fields:
            self.add_error(None, str(error.message))


class OrderCreateForm(OrderTermsForm):
    """A new order: the build from the configurator (read-only here) and the dealer's terms."""

    trim = forms.CharField(max_length=CODE_MAX_LENGTH, widget=forms.HiddenInput)
    color = forms.CharField(max_length=CODE_MAX_LENGTH, required=False, widget=forms.HiddenInput)
    options = CodeListField(max_count=MAX_OPTIONS)
    # The saved quote the build came from (importorders.views.quotes), recorded on the order's event.
    quote = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)

    def changes(self, trim) -> OrderChanges:
        return OrderChanges(
            trim=trim,
            color_code=self.cleaned_data.get("color") or "",
            option_codes=tuple(self.cleaned_data["options"]),
            **self.terms(),
        )


class OrderAmendForm(OrderTermsForm):
    """A draft or submitted order's build (colour, options of its trim) and terms, changed: the
    service checks the build with the catalog engine, re-prices a submitted order and records what
    differs."""

    color = forms.ChoiceField(label=_("colour"))
    options = forms.MultipleChoiceField(
        label=_("options"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The build is checked against the catalog's rules when you save."),
    )
    field_order = ["color", "options", *OrderTermsForm.TERMS]

    @classmethod
    def for_order(cls, order: Order, data=None, *, configuration: ConfigurationData) -> OrderAmendForm:
        initial = {name: getattr(order, name) for name in cls.TERMS}
        initial["color"] = order.color.code if order.color_id else ""
        initial["options"] = list(order.option_codes)
        form = cls(data, initial=initial)

        def label(facts) -> str:
            return f"{in_current_language(ja=facts.name_ja, en=facts.name_en)} ({facts.code})"

        chosen = set(order.option_codes)
        # What the trim offers, and what the order carries even if the trim no longer offers it (so
        # it can be taken off; the engine refuses keeping it).
        form.fields["color"].choices = [
            (facts.code, label(facts))
            for facts in configuration.colors.values()
            if facts.on_trim or facts.code == initial["color"]
        ]
        form.fields["options"].choices = [
            (facts.code, label(facts))
            for facts in configuration.options.values()
            if facts.on_trim or facts.code in chosen
        ]
        return form

    def changes(self) -> OrderChanges:
        return OrderChanges(
            color_code=self.cleaned_data["color"],
            option_codes=tuple(self.cleaned_data["options"]),
            **self.terms(),
        )


class ReasonForm(forms.Form):
    """A move the other side reads the reason of (cancel, reject)."""

    reason = forms.CharField(
        label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), strip=True
    )


class ReferencesField(CodeListField):
    """Order references chosen in a queue (checkboxes), each counted once."""

    def __init__(self, **kwargs) -> None:
        super().__init__(max_count=BULK_MAX, unique=True, **kwargs)

    def to_python(self, value) -> list[str]:
        return list(dict.fromkeys(reference_normalize(code) for code in super().to_python(value)))


class BulkForm(forms.Form):
    """Orders chosen for one action; `step` is `preview` (show what changes) or `apply`.

    `fingerprint` is what the preview showed (each order's last change); apply refuses when it differs,
    so what is applied is exactly what was previewed.
    """

    references = ReferencesField(required=True, error_messages={"required": _("Choose at least one order.")})
    step = forms.ChoiceField(choices=[("preview", "preview"), ("apply", "apply")], initial="preview")
    fingerprint = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


def weeks_offered(today: dt.date, count: int = 26) -> list[dt.date]:
    """The Mondays of the next `count` weeks (the week after this one first)."""
    this_monday = today - dt.timedelta(days=today.weekday())
    return [this_monday + dt.timedelta(weeks=n) for n in range(1, count + 1)]


class WeekForm(forms.Form):
    """A production week, one of those offered (a Monday)."""

    week = forms.TypedChoiceField(label=_("production week"), coerce=dt.date.fromisoformat)

    def __init__(self, data=None, *, weeks: list[dt.date], **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.fields["week"].choices = [(week.isoformat(), week.isoformat()) for week in weeks]


class BulkWeekForm(BulkForm, WeekForm):
    """Orders chosen for one production week."""

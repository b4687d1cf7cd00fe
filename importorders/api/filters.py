"""Filters for the dealer and order lists. Choices are static or scoped: no filter reveals other tenants."""

import django_filters
from django import forms
from django.db.models import Q

from importorders.api.serializers import MONTH_INVALID, month_parse
from importorders.models import Dealer, Order, OrderKind, OrderStatus, Prefecture
from importorders.models.orders import reference_normalize


class DealerFilter(django_filters.FilterSet):
    """?active=true&prefecture=13"""

    prefecture = django_filters.ChoiceFilter(choices=Prefecture.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = Dealer
        fields = ["prefecture", "active"]


class MonthFormField(forms.CharField):
    """A `YYYY-MM` query value as the first day of the month."""

    default_error_messages = {"invalid": MONTH_INVALID}

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return month_parse(text)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class MonthFilter(django_filters.Filter):
    field_class = MonthFormField


class OrderFilter(django_filters.FilterSet):
    """?status=submitted&status=confirmed&model=CAMRY&month=2027-03&kind=sold&q=K7M3-9QPX

    Each filter has an index (see Order.Meta.indexes), for one dealer and across dealers.
    """

    # No join multiplies rows: no DISTINCT (which would sort every column of the page).
    status = django_filters.MultipleChoiceFilter(choices=OrderStatus.choices, distinct=False)
    model = django_filters.CharFilter(field_name="vehicle_model__code", max_length=40)
    month = MonthFilter(field_name="requested_month")
    kind = django_filters.ChoiceFilter(choices=OrderKind.choices)
    q = django_filters.CharFilter(method="search", max_length=60)

    class Meta:
        model = Order
        fields = ["status", "model", "month", "kind", "q"]

    def search(self, queryset, name, value: str):
        """The order's reference (any case, hyphen optional) or the start of its customer reference (any
        case)."""
        text = value.strip()
        return queryset.filter(
            Q(reference=reference_normalize(text)) | Q(customer_reference__istartswith=text)
        )

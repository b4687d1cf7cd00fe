"""Filters for the dealer list. Choices are static or scoped: a filter never reveals other tenants."""

import django_filters

from importorders.models import Dealer, Prefecture


class DealerFilter(django_filters.FilterSet):
    """?active=true&prefecture=13"""

    prefecture = django_filters.ChoiceFilter(choices=Prefecture.choices)
    active = django_filters.BooleanFilter()

    class Meta:
        model = Dealer
        fields = ["prefecture", "active"]

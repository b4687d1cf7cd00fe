"""Catalog list filters. Unknown codes filter to an empty list, exactly as codes the caller cannot see."""

import django_filters

from catalog.models import BodyType, Drive, Powertrain, RecognitionStatus, Trim, VehicleModel


class VehicleModelFilter(django_filters.FilterSet):
    """?maker=TOYOTA&recognition_status=recognised&body_type=sedan"""

    maker = django_filters.CharFilter(field_name="maker__code", max_length=40)
    recognition_status = django_filters.ChoiceFilter(choices=RecognitionStatus.choices)
    body_type = django_filters.ChoiceFilter(choices=BodyType.choices)

    class Meta:
        model = VehicleModel
        fields = ["maker", "recognition_status", "body_type"]


class TrimFilter(django_filters.FilterSet):
    """?model=CAMRY&maker=TOYOTA&model_year=2026&powertrain=hybrid&drive=AWD"""

    model = django_filters.CharFilter(field_name="model_year__vehicle_model__code", max_length=40)
    maker = django_filters.CharFilter(field_name="model_year__vehicle_model__maker__code", max_length=40)
    model_year = django_filters.NumberFilter(field_name="model_year__year", min_value=1980, max_value=2100)
    powertrain = django_filters.ChoiceFilter(choices=Powertrain.choices)
    drive = django_filters.ChoiceFilter(choices=Drive.choices)

    class Meta:
        model = Trim
        fields = ["model", "maker", "model_year", "powertrain", "drive"]

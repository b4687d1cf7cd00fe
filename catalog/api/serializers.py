"""The catalog API's shapes, for the OpenAPI schema and for validating the quote request."""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from catalog.models import BodyType, Drive, PlateClass, Powertrain, RecognitionStatus


class NamesMixin(serializers.Serializer):
    name_ja = serializers.CharField()
    name_en = serializers.CharField()


class CodeNameSerializer(NamesMixin):
    code = serializers.CharField()


class RecognitionSerializer(serializers.Serializer):
    """Where the model stands under the recognition rule; not yet recognised = subject to approval."""

    status = serializers.ChoiceField(choices=RecognitionStatus.choices)
    number = serializers.CharField(allow_null=True)
    recognised_on = serializers.DateField(allow_null=True)
    subject_to_approval = serializers.BooleanField()


class ModelYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    vin_year_code = serializers.CharField(help_text="VIN position 10 for this model year.")
    plant = serializers.CharField(help_text="Code of the plant that builds this model year.")


class VehicleModelSerializer(CodeNameSerializer):
    """A model a maker sells in Japan."""

    maker = CodeNameSerializer()
    body_type = serializers.ChoiceField(choices=BodyType.choices)
    certification_route = CodeNameSerializer()
    recognition = RecognitionSerializer()
    model_years = ModelYearSerializer(many=True)
    active = serializers.BooleanField()


class PriceSerializer(serializers.Serializer):
    """The price on the published list in effect today (Japan time)."""

    price_list = serializers.CharField()
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True, help_text="First day the list no longer applies.")
    fob_usd = serializers.DecimalField(max_digits=12, decimal_places=2)
    suggested_retail_jpy = serializers.IntegerField(allow_null=True)


class TrimModelSerializer(CodeNameSerializer):
    maker = serializers.CharField()
    recognition_status = serializers.ChoiceField(choices=RecognitionStatus.choices)
    subject_to_approval = serializers.BooleanField()


class TrimSerializer(CodeNameSerializer):
    """A buildable trim with its specifications and today's price."""

    model = TrimModelSerializer()
    model_year = serializers.IntegerField()
    plant = serializers.CharField()
    powertrain = serializers.ChoiceField(choices=Powertrain.choices)
    drive = serializers.ChoiceField(choices=Drive.choices)
    length_mm = serializers.IntegerField()
    width_mm = serializers.IntegerField()
    height_mm = serializers.IntegerField()
    curb_weight_kg = serializers.IntegerField()
    displacement_cc = serializers.IntegerField(allow_null=True, help_text="Empty for electric vehicles.")
    seats = serializers.IntegerField()
    plate_class = serializers.ChoiceField(
        choices=PlateClass.choices, allow_null=True, help_text="Empty while undecided."
    )
    active = serializers.BooleanField()
    price = PriceSerializer(allow_null=True)


class TrimOptionSerializer(CodeNameSerializer):
    """An option or package offered on the trim, with its rules."""

    kind = serializers.CharField()
    installation = serializers.CharField()
    fob_usd = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    requires = serializers.ListField(child=serializers.CharField())
    excludes = serializers.ListField(child=serializers.CharField())
    includes = serializers.ListField(child=serializers.CharField())


class TrimColorSerializer(CodeNameSerializer):
    hex = serializers.CharField()
    fob_usd = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class TrimDetailSerializer(TrimSerializer):
    """A trim with the options and colours it offers."""

    options = TrimOptionSerializer(many=True)
    colors = TrimColorSerializer(many=True)


class QuoteRequestSerializer(serializers.Serializer):
    """A configuration to price."""

    trim = serializers.CharField(max_length=40, help_text="Trim code.")
    color = serializers.CharField(max_length=40, help_text="Colour code.")
    options = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=100, required=False, default=list
    )
    on_date = serializers.DateField(
        required=False, help_text="Price on this date, 2000-01-01 to 2100-12-31 (default: today in Japan)."
    )

    def validate_on_date(self, value: dt.date) -> dt.date:
        # Price data is dated within this century; far dates would only overflow date arithmetic.
        if not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
            raise serializers.ValidationError(_("Choose a date from 2000-01-01 to 2100-12-31."))
        return value


class FxRateUsedSerializer(serializers.Serializer):
    base = serializers.CharField()
    quote = serializers.CharField()
    rate = serializers.DecimalField(max_digits=12, decimal_places=4)
    rate_date = serializers.DateField()
    source = serializers.CharField()


class PriceListUsedSerializer(serializers.Serializer):
    code = serializers.CharField()
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)


class RuleUsedSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()
    label_ja = serializers.CharField()
    label_en = serializers.CharField()
    rate = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    amount_jpy = serializers.IntegerField(allow_null=True)
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)


class QuoteLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    label_ja = serializers.CharField()
    label_en = serializers.CharField()
    amount_jpy = serializers.IntegerField()
    amount_usd = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    basis = serializers.CharField(allow_blank=True)


class QuoteSerializer(serializers.Serializer):
    """A landed-cost quote in whole yen, naming each rate and rule it used with its dates."""

    on_date = serializers.DateField()
    trim = serializers.CharField()
    color = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField())
    included_options = serializers.ListField(child=serializers.CharField())
    subject_to_approval = serializers.BooleanField()
    fx_rate = FxRateUsedSerializer()
    price_list = PriceListUsedSerializer()
    rules = RuleUsedSerializer(many=True)
    lines = QuoteLineSerializer(many=True)
    fob_usd = serializers.DecimalField(max_digits=12, decimal_places=2)
    fob_jpy = serializers.IntegerField()
    freight_jpy = serializers.IntegerField()
    insurance_jpy = serializers.IntegerField()
    cif_jpy = serializers.IntegerField()
    duty_jpy = serializers.IntegerField()
    consumption_tax_jpy = serializers.IntegerField()
    environmental_levy_jpy = serializers.IntegerField()
    fees_jpy = serializers.IntegerField()
    recycling_deposit_jpy = serializers.IntegerField()
    total_jpy = serializers.IntegerField()
    suggested_retail_jpy = serializers.IntegerField(allow_null=True)
    annual_automobile_tax_jpy = serializers.IntegerField(allow_null=True)
    rounding_rule_ja = serializers.CharField()
    rounding_rule_en = serializers.CharField()

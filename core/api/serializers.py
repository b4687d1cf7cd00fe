"""Serializers owned by core."""

from rest_framework import serializers


class MeSerializer(serializers.Serializer):
    """The caller as the API sees it."""

    kind = serializers.ChoiceField(choices=["user", "dealer_key", "partner_key"])
    username = serializers.CharField(allow_null=True)
    display_name = serializers.CharField()
    dealer = serializers.CharField(allow_null=True, help_text="The caller's dealer code, if any.")
    partner = serializers.CharField(allow_null=True, help_text="The caller's partner code, if any.")
    sandbox = serializers.BooleanField(
        help_text="True for a partner's sandbox key: it sees and writes only sandbox shipments."
    )
    roles = serializers.ListField(child=serializers.CharField())
    is_staff = serializers.BooleanField()
    language = serializers.CharField()

"""Serializers for dealers."""

from rest_framework import serializers

from importorders.models import Dealer, DealerAPIKey, DealerMembership


class DealerSerializer(serializers.ModelSerializer):
    """A dealer as every caller who may see it sees it."""

    prefecture_name = serializers.CharField(source="get_prefecture_display", read_only=True)

    class Meta:
        model = Dealer
        fields = ["code", "name_ja", "name_en", "prefecture", "prefecture_name", "address", "phone", "active"]
        read_only_fields = ["code"]


class DealerMemberSerializer(serializers.ModelSerializer):
    """A person at a dealer."""

    username = serializers.CharField(source="user.username")
    display_name = serializers.SerializerMethodField()
    active = serializers.SerializerMethodField(
        help_text="Whether the person can sign in and act for the dealer: both the membership and the "
        "user account are active."
    )

    class Meta:
        model = DealerMembership
        fields = ["username", "display_name", "role", "active"]

    def get_display_name(self, membership: DealerMembership) -> str:
        return membership.user.get_full_name() or membership.user.username

    def get_active(self, membership: DealerMembership) -> bool:
        return membership.active and membership.user.is_active


class DealerKeySerializer(serializers.ModelSerializer):
    """A dealer integration key's public facts; never the key itself (shown once at creation)."""

    has_expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = DealerAPIKey
        fields = ["prefix", "name", "created", "expiry_date", "has_expired", "revoked", "last_used_at"]


class DealerDetailSerializer(DealerSerializer):
    """A dealer with the people and keys the caller may see (keys: back office and managers)."""

    people = DealerMemberSerializer(source="visible_memberships", many=True, read_only=True)
    api_keys = DealerKeySerializer(source="visible_keys", many=True, read_only=True)

    class Meta(DealerSerializer.Meta):
        fields = [*DealerSerializer.Meta.fields, "people", "api_keys"]


class DealerUpdateSerializer(serializers.ModelSerializer):
    """What the back office may change on a dealer."""

    class Meta:
        model = Dealer
        fields = ["name_ja", "name_en", "prefecture", "address", "phone", "active"]
        extra_kwargs = {name: {"required": False} for name in fields}

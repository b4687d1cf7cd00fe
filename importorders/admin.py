"""Back office: dealers and their people, logistics partners and API keys, with change history."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin
from core.callers import get_caller
from importorders.identity import key_cache_forget
from importorders.models import (
    Dealer,
    DealerAPIKey,
    DealerMembership,
    LogisticsPartner,
    PartnerAPIKey,
    Vehicle,
)
from importorders.services.keys import api_key_issue


class KeyOwnerAdminMixin:
    """Saving a dealer or partner drops its keys' cached facts (active, names) on commit."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            key_cache_forget(obj.key_prefixes())


class DealerMembershipInline(ScopedAdminMixin, admin.TabularInline):
    model = DealerMembership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "active")


@admin.register(Dealer)
class DealerAdmin(KeyOwnerAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    """Dealers with their people inline."""

    list_display = ("code", "name_ja", "name_en", "prefecture", "active")
    list_filter = ("active", "prefecture")
    search_fields = ("code", "name_ja", "name_en")
    inlines = (DealerMembershipInline,)


@admin.register(DealerMembership)
class DealerMembershipAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Who works at which dealer, in which role."""

    list_display = ("user", "dealer", "role", "active")
    list_filter = ("role", "active")
    list_select_related = ("user", "dealer")
    search_fields = ("user__username", "user__last_name", "dealer__code", "dealer__name_ja")
    autocomplete_fields = ("user", "dealer")


@admin.register(LogisticsPartner)
class LogisticsPartnerAdmin(KeyOwnerAdminMixin, ScopedAdminMixin, SimpleHistoryAdmin):
    """Carriers, port processors and customs brokers."""

    list_display = ("code", "name_ja", "name_en", "kind", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name_ja", "name_en")


class APIKeyAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Keys are shown once, at creation; afterwards only their prefix. Revoking is final."""

    owner_field = ""
    list_filter = ("revoked", "created")
    search_fields = ("name", "prefix")
    # The key library's fields carry English names only: the back office reads them in its language.
    FIELD_LABELS = {
        "name": _("key name"),
        "revoked": _("revoked"),
        "expiry_date": _("expires"),
    }

    def get_list_display(self, request):
        return (
            "key_name",
            self.owner_field,
            "key_prefix",
            "key_created",
            "key_expires",
            "key_has_expired",
            "key_revoked",
            "last_used_at",
        )

    def get_list_select_related(self, request):
        return (self.owner_field,)

    def get_readonly_fields(self, request, obj=None):
        fields = ["key_prefix", "key_created", "last_used_at"]
        if obj is not None:
            fields.append(self.owner_field)
            if obj.revoked:
                fields.extend(["key_name", "key_revoked", "key_expires"])
        return fields

    def get_exclude(self, request, obj=None):
        # A revoked key's fields are shown read-only above, under their translated names.
        return ("name", "revoked", "expiry_date") if obj is not None and obj.revoked else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        for name, label in self.FIELD_LABELS.items():
            if name in form.base_fields:
                form.base_fields[name].label = label
        return form

    @admin.display(description=_("key name"), ordering="name")
    def key_name(self, obj) -> str:
        return obj.name

    @admin.display(description=_("prefix"), ordering="prefix")
    def key_prefix(self, obj) -> str:
        return obj.prefix

    @admin.display(description=_("created"), ordering="created")
    def key_created(self, obj):
        return obj.created

    @admin.display(description=_("expires"), ordering="expiry_date")
    def key_expires(self, obj):
        return obj.expiry_date

    @admin.display(description=_("expired"), boolean=True)
    def key_has_expired(self, obj) -> bool:
        return obj.has_expired

    @admin.display(description=_("revoked"), boolean=True, ordering="revoked")
    def key_revoked(self, obj) -> bool:
        return obj.revoked

    def save_model(self, request, obj, form, change):
        if change:
            with transaction.atomic():
                super().save_model(request, obj, form, change)
                key_cache_forget([obj.prefix])
            return
        key = api_key_issue(key_row=obj, actor=get_caller(request).actor)
        messages.add_message(
            request,
            messages.WARNING,
            _("The new key for %(owner)s is: %(key)s — store it now: it will not be shown again.")
            % {"owner": getattr(obj, self.owner_field), "key": key},
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the history of who held which key stays


@admin.register(DealerAPIKey)
class DealerAPIKeyAdmin(APIKeyAdmin):
    owner_field = "dealer"
    autocomplete_fields = ("dealer",)


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(APIKeyAdmin):
    owner_field = "partner"
    autocomplete_fields = ("partner",)


@admin.register(Vehicle)
class VehicleAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Vehicles and their VINs, read only: a VIN is assigned by the service (checked, recorded as the
    order's event), from the VIN pages or the API, never typed into the admin."""

    list_display = ("vin", "order", "plant", "trim", "color", "build_date", "actor_label", "created_at")
    list_filter = ("plant", "build_date")
    list_select_related = ("order", "plant", "trim", "color")
    search_fields = ("vin", "order__reference")
    readonly_fields = (
        "vin",
        "order",
        "plant",
        "model_year",
        "trim",
        "color",
        "build_date",
        "actor_kind",
        "actor_user",
        "actor_ref",
        "actor_label",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipOnUserInline(ScopedAdminMixin, admin.StackedInline):
    model = DealerMembership
    fk_name = "user"
    can_delete = False
    extra = 0
    max_num = 1
    fields = ("dealer", "role", "active")
    autocomplete_fields = ("dealer",)


user_model = get_user_model()
admin.site.unregister(user_model)


@admin.register(user_model)
class ImportOrdersUserAdmin(UserAdmin):
    """Django's user admin, with the user's dealer membership on the same page."""

    inlines = (MembershipOnUserInline,)
    list_display = (*UserAdmin.list_display, "dealer_code")
    list_select_related = ("dealer_membership__dealer",)

    @admin.display(description=_("dealer"), ordering="dealer_membership__dealer__code")
    def dealer_code(self, user):
        membership = getattr(user, "dealer_membership", None)
        return membership.dealer.code if membership else "—"


# The library's own concrete APIKey model is not used: keys are per dealer or per partner.
from rest_framework_api_key.models import APIKey  # noqa: E402

admin.site.unregister(APIKey)

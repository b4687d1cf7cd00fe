"""Back office: dealers and their people, logistics partners and API keys, with change history."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.actors import Actor
from core.admin import ScopedAdminMixin
from core.callers import get_caller
from importorders.identity import key_cache_forget
from importorders.models import (
    Dealer,
    DealerAPIKey,
    DealerMembership,
    LogisticsPartner,
    PartnerAPIKey,
    PartnerCallLog,
    PartnerEvent,
    PartnerTrackingSource,
    Shipment,
    ShipmentMilestone,
    ShipmentThreshold,
    ShipmentVehicle,
    Vehicle,
    VocabularyMapping,
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
    """Partner keys; a sandbox key is marked when it is issued and stays one (docs/decisions/0004)."""

    owner_field = "partner"
    autocomplete_fields = ("partner",)
    list_filter = ("sandbox", *APIKeyAdmin.list_filter)

    def get_list_display(self, request):
        return (*super().get_list_display(request), "sandbox")

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # A key never moves between the sandbox and the live shipments.
        return [*fields, "sandbox"] if obj is not None else fields


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


class ShipmentVehicleForm(forms.ModelForm):
    """A vehicle goes only on a shipment of its own world: sandbox with sandbox, live with live."""

    class Meta:
        model = ShipmentVehicle
        fields = ("vehicle",)

    def clean(self):
        cleaned = super().clean()
        vehicle = cleaned.get("vehicle")
        # The inline formset sets the shipment on the row (an unsaved one for a new shipment: live).
        shipment = getattr(self.instance, "shipment", None)
        if vehicle is not None and shipment is not None and vehicle.sandbox != shipment.sandbox:
            raise forms.ValidationError(
                _("A sandbox vehicle goes on a sandbox shipment only, and only there.")
            )
        return cleaned


class ShipmentVehicleInline(ScopedAdminMixin, admin.TabularInline):
    """The vehicles on a shipment: a vehicle is on one shipment at a time (a unique key)."""

    model = ShipmentVehicle
    form = ShipmentVehicleForm
    extra = 1
    autocomplete_fields = ("vehicle",)
    fields = ("vehicle", "actor_label", "created_at")
    readonly_fields = ("actor_label", "created_at")


class ShipmentMilestoneInline(ScopedAdminMixin, admin.TabularInline):
    """Planned, estimated and actual times per milestone: projected from the partner's events."""

    model = ShipmentMilestone
    extra = 0
    fields = ("code", "planned_at", "estimated_at", "actual_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Shipment)
class ShipmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Operations schedule shipments (partner, route, vessel, the promised at-dealer date) and put
    vehicles on them; milestones, the current milestone and the estimate come from events."""

    list_display = (
        "reference",
        "partner",
        "origin",
        "destination",
        "vessel",
        "current_milestone",
        "promised_at_dealer",
        "eta_at_dealer",
        "sandbox",
    )
    list_filter = ("partner", "sandbox", "current_milestone")
    list_select_related = ("partner",)
    search_fields = ("reference", "vessel", "voyage", "assignments__vehicle__vin")
    fields = (
        "reference",
        "partner",
        "origin",
        "destination",
        "vessel",
        "voyage",
        "promised_at_dealer",
        "current_milestone",
        "eta_at_dealer",
        "last_event_at",
        "sandbox",
        "actor_label",
    )
    readonly_fields = ("current_milestone", "eta_at_dealer", "last_event_at", "sandbox", "actor_label")
    inlines = (ShipmentVehicleInline, ShipmentMilestoneInline)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.actor_fill(Actor.for_user(request.user))
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for row in formset.save(commit=False):
            if isinstance(row, ShipmentVehicle) and row.pk is None:
                row.actor_fill(Actor.for_user(request.user))
            row.save()
        for row in formset.deleted_objects:
            row.delete()


@admin.register(PartnerEvent)
class PartnerEventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The partner event inbox, read only: what each partner reported and when it was applied."""

    list_display = (
        "event_id",
        "partner",
        "vehicle",
        "code",
        "classifier",
        "occurred_at",
        "received_at",
        "applied_at",
        "retracted",
    )
    list_filter = ("partner", "code", "classifier", "retracted")
    list_select_related = ("partner", "vehicle")
    search_fields = ("event_id", "vehicle__vin", "shipment__reference")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VocabularyMapping)
class VocabularyMappingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Which partner code (per vocabulary and version) means which canonical milestone."""

    list_display = ("vocabulary", "version", "external_code", "milestone", "classifier", "description")
    list_filter = ("vocabulary", "version", "milestone")
    search_fields = ("external_code", "description")


@admin.register(ShipmentThreshold)
class ShipmentThresholdAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The stale and slipping thresholds, in days."""

    list_display = ("name", "days")


@admin.register(PartnerTrackingSource)
class PartnerTrackingSourceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Partners' tracking APIs the beat polls, their interval, rate limit and backoff."""

    list_display = ("partner", "url", "vocabulary", "version", "interval_seconds", "active", "next_poll_at")
    list_filter = ("active", "partner")
    readonly_fields = ("next_poll_at", "failures")


@admin.register(PartnerCallLog)
class PartnerCallLogAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Every call to a partner's tracking API, with its request and response; read only."""

    list_display = ("at", "partner", "url", "status_code", "duration_ms", "accepted", "error")
    list_filter = ("partner", "status_code")
    list_select_related = ("partner",)

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

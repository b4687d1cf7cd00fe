"""Back office for the rule's data (document types, the requirement matrix, reminders), with history,
and read-only lists of documents and their reviews (decisions are made on the review pages)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from compliance import models as m
from core.admin import ScopedAdminMixin


class ReferenceAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Every reference table of the rule: scoped lists and choices, change history."""


@admin.register(m.DocumentType)
class DocumentTypeAdmin(ReferenceAdmin):
    list_display = (
        "code",
        "name_ja",
        "name_en",
        "target",
        "submit_dealer",
        "submit_back_office",
        "submit_partner",
        "validity_count",
        "validity_unit",
        "active",
    )
    list_filter = ("target", "active", "submit_dealer", "submit_partner")
    search_fields = ("code", "name_ja", "name_en")


@admin.register(m.Requirement)
class RequirementAdmin(ReferenceAdmin):
    list_display = ("route", "document_type", "gates_status", "active")
    list_filter = ("route", "gates_status", "active")
    list_select_related = ("route", "document_type")


@admin.register(m.ReminderOffset)
class ReminderOffsetAdmin(ReferenceAdmin):
    list_display = ("days_before", "active")


class ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Facts written by services: shown, never edited or deleted here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DocumentReviewInline(ScopedAdminMixin, admin.TabularInline):
    model = m.DocumentReview
    fields = ("created_at", "decision", "reason", "actor_label")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(m.Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = (
        "document_type",
        "vehicle",
        "model_year",
        "version",
        "is_current",
        "status",
        "valid_until",
        "actor_label",
        "created_at",
    )
    list_filter = ("status", "is_current", "document_type")
    list_select_related = ("document_type", "vehicle", "model_year__vehicle_model")
    search_fields = ("vehicle__vin", "sha256")
    inlines = (DocumentReviewInline,)
    exclude = ("storage_key",)


# The handover inspections' reference data and records live in importorders (custody facts); their
# admin pages are registered here, beside the other data of the vehicle's file, so that the
# importorders admin module stays the logistics side's.
from importorders import models as io  # noqa: E402


@admin.register(io.DamageCode)
class DamageCodeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("dimension", "code", "name_ja", "name_en", "active")
    list_filter = ("dimension", "active")
    search_fields = ("code", "name_ja", "name_en")


class DamageEntryInline(ScopedAdminMixin, admin.TabularInline):
    model = io.DamageEntry
    fields = ("area", "damage_type", "severity", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(io.HandoverInspection)
class HandoverInspectionAdmin(ReadOnlyAdmin):
    list_display = ("vehicle", "custody_point", "location", "inspected_at", "actor_label")
    list_filter = ("custody_point",)
    list_select_related = ("vehicle",)
    search_fields = ("vehicle__vin",)
    inlines = (DamageEntryInline,)

"""Back office for the catalog: every reference table with its change history.

Price lists: item rows are edited in inlines while a list is a draft and become read-only once it is
published (a published list's prices never change: make a new list). CSV import (with a dry-run
preview of the diff) and export are views on the price list.

Exchange rates: the daily task writes them; a CSV import on the rates' list back-fills (preview,
then all or nothing); rates the task held back are accepted or dismissed on their own list.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from catalog import models as m
from catalog.selectors.pricing import price_lists_overlapping
from catalog.services.fx_import import MAX_IMPORT_BYTES as FX_MAX_IMPORT_BYTES
from catalog.services.fx_import import decode_text, fx_conflict_accept, fx_conflict_dismiss, fx_rates_import
from catalog.services.price_import import MAX_FILE_BYTES, amount_text, price_list_export, price_list_import
from catalog.services.price_lists import (
    overlap_message,
    price_list_copy_to_draft,
    price_list_period_set,
    price_list_publish,
)
from catalog.versioning import catalog_changed
from core import clock
from core.admin import ScopedAdminMixin
from core.callers import get_caller
from core.csv_files import decoded_text
from core.errors import ApplicationError
from core.formatting import day_text, percent_text

NAME_SEARCH = ("code", "name_ja", "name_en")


class CatalogAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Every catalog admin page: scoped lists and choices, history, and one catalog bump per write.

    Django saves an object and then its inlines (`save_related`), in one transaction: the bump is
    queued there, once, and on deletes. Actions that call services leave the bump to the service.
    """

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        catalog_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        catalog_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        catalog_changed()


class PeriodColumns:
    """A dated row's period as people read it: from its first day until its last (the stored
    effective_to is the first day it no longer applies, and stays so)."""

    @admin.display(description=pgettext_lazy("period", "from"), ordering="effective_from")
    def starts(self, obj) -> str:
        return day_text(obj.effective_from)

    @admin.display(description=pgettext_lazy("period", "until"), ordering="effective_to")
    def until(self, obj) -> str:
        if obj.effective_to is None:
            return _("open-ended")
        return _("until %(day)s") % {"day": day_text(obj.effective_to - dt.timedelta(days=1))}


def _priced_item(row) -> str:
    """What a price row prices, code and name: "CAMRY-26-SE Camry SE", "PORT Port handling"."""
    parts = []
    for name in ("vehicle_model", "trim", "option", "color", "fee_type"):
        if hasattr(row, f"{name}_id") and getattr(row, f"{name}_id") is not None:
            target = getattr(row, name)
            if name == "vehicle_model" and hasattr(row, "fee_type_id"):
                parts.append(target.code)
            else:
                parts.append(f"{target.code} {target.name}")
    return " · ".join(parts)


def _amounts(row) -> str:
    """Every amount of a row with its name, separators and currency: "FOB (USD): USD 53,400.00"."""
    parts = []
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        if isinstance(field, models.DecimalField) and value is not None:
            currency = (
                "USD" if field.name.endswith("_usd") else "JPY" if field.name.endswith("_jpy") else "RATE"
            )
            parts.append(f"{field.verbose_name}: {amount_text(value, currency)}")
    return " · ".join(parts)


# --- Makers, plants, routes -----------------------------------------------------------------------


class PlantWmiInline(ScopedAdminMixin, admin.TabularInline):
    model = m.PlantWmi
    extra = 0


@admin.register(m.Maker)
class MakerAdmin(CatalogAdmin):
    list_display = ("code", "name_ja", "name_en", "active")
    list_filter = ("active",)
    search_fields = NAME_SEARCH


@admin.register(m.Plant)
class PlantAdmin(CatalogAdmin):
    list_display = ("code", "maker", "name_en", "city", "state", "country", "vin_plant_letter", "active")
    list_filter = ("maker", "active", "country")
    list_select_related = ("maker",)
    search_fields = (*NAME_SEARCH, "city", "wmis__wmi")
    inlines = (PlantWmiInline,)


@admin.register(m.CertificationRoute)
class CertificationRouteAdmin(CatalogAdmin):
    list_display = ("code", "name_ja", "name_en", "sort_order")
    search_fields = NAME_SEARCH


# --- Models, model years, trims ------------------------------------------------------------------


class ModelYearInline(ScopedAdminMixin, admin.TabularInline):
    model = m.ModelYear
    extra = 0
    autocomplete_fields = ("plant",)


@admin.register(m.VehicleModel)
class VehicleModelAdmin(CatalogAdmin):
    list_display = (
        "code",
        "maker",
        "name_en",
        "body_type",
        "certification_route",
        "recognition_status",
        "recognition_number",
        "recognised_on",
        "active",
    )
    list_filter = ("maker", "recognition_status", "certification_route", "body_type", "active")
    list_select_related = ("maker", "certification_route")
    search_fields = (*NAME_SEARCH, "recognition_number")
    inlines = (ModelYearInline,)


@admin.register(m.ModelYear)
class ModelYearAdmin(CatalogAdmin):
    list_display = ("__str__", "vehicle_model", "year", "vin_year_code", "plant")
    list_filter = ("vehicle_model__maker", "year", "plant")
    list_select_related = ("vehicle_model", "plant")
    search_fields = ("vehicle_model__code", "year")
    autocomplete_fields = ("vehicle_model", "plant")

    @admin.display(description=_("VIN year code"))
    def vin_year_code(self, obj: m.ModelYear) -> str:
        return obj.vin_year_code


class TrimOptionInline(ScopedAdminMixin, admin.TabularInline):
    model = m.TrimOption
    extra = 0
    autocomplete_fields = ("option",)

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("trim", "option")  # the rows' names


class TrimColorInline(ScopedAdminMixin, admin.TabularInline):
    model = m.TrimColor
    extra = 0
    autocomplete_fields = ("color",)

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("trim", "color")


@admin.register(m.Trim)
class TrimAdmin(CatalogAdmin):
    list_display = (
        "code",
        "model_year",
        "name_en",
        "powertrain",
        "drive",
        "displacement_cc",
        "seats",
        "plate_class",
        "active",
    )
    list_filter = ("model_year__vehicle_model", "powertrain", "drive", "plate_class", "active")
    list_select_related = ("model_year__vehicle_model",)
    search_fields = NAME_SEARCH
    autocomplete_fields = ("model_year",)
    inlines = (TrimOptionInline, TrimColorInline)


# --- Options and colours -------------------------------------------------------------------------


class OptionRuleInline(ScopedAdminMixin, admin.TabularInline):
    model = m.OptionRule
    fk_name = "option"
    extra = 0
    autocomplete_fields = ("target", "vehicle_model")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("option", "target")


@admin.register(m.Option)
class OptionAdmin(CatalogAdmin):
    list_display = ("code", "maker", "vehicle_model", "name_en", "kind", "installation", "active")
    list_filter = ("maker", "vehicle_model", "kind", "installation", "active")
    list_select_related = ("maker", "vehicle_model")
    search_fields = NAME_SEARCH
    autocomplete_fields = ("vehicle_model",)
    inlines = (OptionRuleInline,)


@admin.register(m.OptionRule)
class OptionRuleAdmin(CatalogAdmin):
    list_display = ("id", "option", "kind", "target", "vehicle_model")
    list_filter = ("kind", "vehicle_model", "option__maker")
    list_select_related = ("option", "target", "vehicle_model")
    search_fields = ("option__code", "target__code")
    autocomplete_fields = ("option", "target", "vehicle_model")


@admin.register(m.Color)
class ColorAdmin(CatalogAdmin):
    list_display = ("code", "maker", "name_ja", "name_en", "hex", "paint_type")
    list_filter = ("maker", "paint_type")
    list_select_related = ("maker",)
    search_fields = NAME_SEARCH


# --- Price lists ---------------------------------------------------------------------------------


class PriceRowInline(ScopedAdminMixin, admin.TabularInline):
    """Price rows: editable on a draft list, read-only once the list is published (then shown as
    names beside codes and amounts with separators)."""

    extra = 0
    related = ()  # what a row's name reads, selected with the rows

    def _editable(self, obj: m.PriceList | None) -> bool:
        return obj is None or not obj.is_published

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related(*self.related)

    def get_fields(self, request: HttpRequest, obj: m.PriceList | None = None):
        if self._editable(obj):
            return super().get_fields(request, obj)
        return ("item", "amounts")

    def get_readonly_fields(self, request: HttpRequest, obj: m.PriceList | None = None):
        if self._editable(obj):
            return super().get_readonly_fields(request, obj)
        return ("item", "amounts")

    @admin.display(description=_("item"))
    def item(self, row) -> str:
        return _priced_item(row)

    @admin.display(description=_("amounts"))
    def amounts(self, row) -> str:
        return _amounts(row)

    def has_add_permission(self, request: HttpRequest, obj: m.PriceList | None = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: m.PriceList | None = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: m.PriceList | None = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class TrimPriceInline(PriceRowInline):
    model = m.TrimPrice
    autocomplete_fields = ("trim",)
    related = ("trim",)


class OptionPriceInline(PriceRowInline):
    model = m.OptionPrice
    autocomplete_fields = ("option",)
    related = ("option",)


class ColorPriceInline(PriceRowInline):
    model = m.ColorPrice
    autocomplete_fields = ("color",)
    related = ("color",)


class ModelLogisticsInline(PriceRowInline):
    model = m.ModelLogistics
    autocomplete_fields = ("vehicle_model",)
    related = ("vehicle_model",)


class ModelFeeInline(PriceRowInline):
    model = m.ModelFee
    autocomplete_fields = ("vehicle_model",)
    related = ("vehicle_model", "fee_type")


class PriceListForm(forms.ModelForm):
    """Checks a published list's new period against its siblings (the service checks again, locked)."""

    class Meta:
        model = m.PriceList
        fields = ("code", "maker", "vehicle_model", "effective_from", "effective_to", "note")

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if instance.pk and instance.is_published and not self.errors:
            clashes = list(
                price_lists_overlapping(
                    maker_id=instance.maker_id,
                    vehicle_model_id=instance.vehicle_model_id,
                    effective_from=cleaned["effective_from"],
                    effective_to=cleaned.get("effective_to"),
                    exclude_id=instance.pk,
                )
            )
            if clashes:
                raise forms.ValidationError(overlap_message(clashes, cleaned["effective_from"]))
        return cleaned


class PriceImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


@admin.register(m.PriceList)
class PriceListAdmin(PeriodColumns, CatalogAdmin):
    form = PriceListForm
    list_display = ("code", "maker", "vehicle_model", "starts", "until", "status", "published")
    list_filter = ("status", "maker", "vehicle_model")
    list_select_related = ("maker", "vehicle_model")
    search_fields = ("code", "note")
    date_hierarchy = "effective_from"
    autocomplete_fields = ("maker", "vehicle_model")
    actions = ("publish_selected", "copy_to_draft")
    change_form_template = "admin/catalog/pricelist/change_form.html"
    inlines = (TrimPriceInline, OptionPriceInline, ColorPriceInline, ModelLogisticsInline, ModelFeeInline)

    def get_readonly_fields(self, request: HttpRequest, obj: m.PriceList | None = None):
        if obj is not None and obj.is_published:
            return ("code", "maker", "vehicle_model", "status", "published_at", "in_effect")
        return ("status", "published_at", "in_effect")

    @admin.display(description=_("published at"), ordering="published_at")
    def published(self, obj: m.PriceList) -> str:
        """When it was published, in Japan time, the date as every page writes it."""
        if obj.published_at is None:
            return "—"
        return f"{day_text(obj.published_at)} {clock.to_jst(obj.published_at):%H:%M}"

    @admin.display(description=_("in effect"))
    def in_effect(self, obj: m.PriceList) -> str:
        """The period as days: "from 1 Oct 2026 until 31 Mar 2027" (the end field is exclusive)."""
        if obj.pk is None:
            return ""
        start = day_text(obj.effective_from)
        if obj.effective_to is None:
            return _("from %(start)s") % {"start": start}
        last_day = day_text(obj.effective_to - dt.timedelta(days=1))
        return _("%(start)s until %(end)s") % {"start": start, "end": last_day}

    def save_model(self, request: HttpRequest, obj: m.PriceList, form, change: bool) -> None:
        if change and obj.is_published:
            # A published list's period changes only through the service, under its lock; the
            # form already refused an overlap, the service checks again against a concurrent edit.
            price_list_period_set(
                price_list=obj,
                actor=get_caller(request).actor,
                effective_from=obj.effective_from,
                effective_to=obj.effective_to,
                note=obj.note if "note" in form.changed_data else None,
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected price lists"), permissions=("change",))
    def publish_selected(self, request: HttpRequest, queryset) -> None:
        for price_list in queryset.order_by("pk"):
            try:
                price_list_publish(price_list=price_list, actor=get_caller(request).actor)
            except ApplicationError as error:
                detail = "; ".join(message for messages in error.fields.values() for message in messages)
                self.message_user(request, f"{price_list.code}: {error.message} {detail}", messages.ERROR)
            else:
                self.message_user(
                    request, _("%(code)s published.") % {"code": price_list.code}, messages.SUCCESS
                )

    @admin.action(description=_("Copy into a new draft"), permissions=("add",))
    def copy_to_draft(self, request: HttpRequest, queryset) -> None:
        for price_list in queryset.order_by("pk"):
            try:
                draft = price_list_copy_to_draft(price_list=price_list, actor=get_caller(request).actor)
            except ApplicationError as error:
                self.message_user(request, f"{price_list.code}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(code)s copied into the draft %(draft)s.")
                    % {"code": price_list.code, "draft": draft.code},
                    messages.SUCCESS,
                )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "<int:object_id>/export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        price_list = get_object_or_404(m.PriceList, pk=object_id)
        if not self.has_view_permission(request, price_list):
            raise PermissionDenied
        # With a BOM: Excel opens a UTF-8 file without one as Shift_JIS and garbles its Japanese.
        response = HttpResponse(
            "\ufeff" + price_list_export(price_list=price_list), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{price_list.code}.csv"'
        return response

    def import_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Upload -> preview of the diff (a dry run) -> confirm, which applies the same bytes."""
        price_list = get_object_or_404(m.PriceList, pk=object_id)
        if not self.has_change_permission(request, price_list):
            raise PermissionDenied
        change_url = reverse("admin:catalog_pricelist_change", args=[price_list.pk])
        if price_list.is_published:
            # A published list's prices never change: the way forward is a draft copy of it.
            self.message_user(
                request,
                _(
                    "%(code)s is published: its prices cannot be imported. Copy it into a new draft "
                    '(the action "Copy into a new draft" on the list of price lists), import there '
                    "and publish the draft."
                )
                % {"code": price_list.code},
                messages.ERROR,
            )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": price_list,
            "title": _("Import prices into %(code)s") % {"code": price_list.code},
            "max_bytes": MAX_FILE_BYTES,
        }
        if request.method == "POST" and "confirm" in request.POST:
            content = request.POST.get("content", "").encode("utf-8")
            try:
                report = price_list_import(
                    price_list=price_list, actor=get_caller(request).actor, csv_file=content, dry_run=False
                )
            except ApplicationError as error:
                context.update(form=PriceImportForm(), error=error)
                return TemplateResponse(request, "admin/catalog/pricelist/import_form.html", context)
            self.message_user(
                request,
                _(
                    "Imported: %(added)s added, %(changed)s changed, %(removed)s removed, "
                    "%(unchanged)s unchanged."
                )
                % {
                    status: report.counts.get(status, 0)
                    for status in ("added", "changed", "removed", "unchanged")
                },
                messages.SUCCESS,
            )
            return HttpResponseRedirect(change_url)
        form = PriceImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            raw = form.cleaned_data["file"].read(MAX_FILE_BYTES + 1)
            try:
                report = price_list_import(
                    price_list=price_list, actor=get_caller(request).actor, csv_file=raw, dry_run=True
                )
            except ApplicationError as error:
                context.update(form=form, error=error)
                return TemplateResponse(request, "admin/catalog/pricelist/import_form.html", context)
            context.update(
                report=report,
                content=decoded_text(raw),
                changes=[row for row in report.rows if row.status != "unchanged"],
            )
            return TemplateResponse(request, "admin/catalog/pricelist/import_preview.html", context)
        context["form"] = form
        return TemplateResponse(request, "admin/catalog/pricelist/import_form.html", context)


@admin.register(m.FeeType)
class FeeTypeAdmin(CatalogAdmin):
    list_display = ("code", "name_ja", "name_en", "sort_order")
    search_fields = NAME_SEARCH


# --- FX and taxes --------------------------------------------------------------------------------


class FxImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        help_text=_("Where the rates come from, recorded on each rate (e.g. MUFG TTM)."),
    )


@admin.register(m.FxRate)
class FxRateAdmin(CatalogAdmin):
    list_display = (
        "rate_date",
        "base_currency",
        "quote_currency",
        "rate",
        "source",
        "fetched_at",
        "actor_kind",
        "actor_label",
    )
    list_filter = ("base_currency", "quote_currency", "source", "actor_kind")
    search_fields = ("source", "source_url")
    date_hierarchy = "rate_date"
    readonly_fields = ("source_url", "fetched_at", "actor_kind", "actor_ref", "actor_label")
    exclude = ("actor_user",)
    change_list_template = "admin/catalog/fxrate/change_list.html"

    def save_model(self, request: HttpRequest, obj: m.FxRate, form, change: bool) -> None:
        # A hand edit is the person's rate: it names them, as the import names the system.
        obj.actor_fill(get_caller(request).actor)
        super().save_model(request, obj, form, change)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="{}_{}_import".format(*info)),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload -> preview (a dry run: each date added, changed or unchanged) -> confirm the same text."""
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import exchange rates"),
            "max_bytes": FX_MAX_IMPORT_BYTES,
            "max_change": settings.FX_MAX_DAILY_CHANGE_PERCENT,
        }
        actor = get_caller(request).actor
        if request.method == "POST" and "confirm" in request.POST:
            content = request.POST.get("content", "").encode("utf-8")
            source = request.POST.get("source", "").strip()[:100] or settings.FX_SOURCE_NAME
            try:
                report = fx_rates_import(actor=actor, csv_file=content, dry_run=False, source=source)
            except ApplicationError as error:
                context.update(form=FxImportForm(initial={"source": source}), error=error)
                return TemplateResponse(request, "admin/catalog/fxrate/import_form.html", context)
            self.message_user(
                request,
                _("Exchange rates imported: %(added)s added, %(changed)s changed, %(unchanged)s unchanged.")
                % report.counts,
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:catalog_fxrate_changelist"))
        form = FxImportForm(
            request.POST or None, request.FILES or None, initial={"source": settings.FX_SOURCE_NAME}
        )
        if request.method == "POST" and form.is_valid():
            raw = form.cleaned_data["file"].read(FX_MAX_IMPORT_BYTES + 1)
            try:
                report = fx_rates_import(
                    actor=actor, csv_file=raw, dry_run=True, source=form.cleaned_data["source"]
                )
                content = decode_text(raw)
            except ApplicationError as error:
                context.update(form=form, error=error)
                return TemplateResponse(request, "admin/catalog/fxrate/import_form.html", context)
            context.update(report=report, content=content, source=form.cleaned_data["source"])
            return TemplateResponse(request, "admin/catalog/fxrate/import_preview.html", context)
        context["form"] = form
        return TemplateResponse(request, "admin/catalog/fxrate/import_form.html", context)


@admin.register(m.FxRateConflict)
class FxRateConflictAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Rates the daily import held back: operations accept one (it is written) or dismiss it."""

    list_display = (
        "rate_date",
        "kind",
        "status",
        "offered_rate",
        "current_rate",
        "current_rate_date",
        "source",
        "fetched_at",
        "resolved_by_label",
    )
    list_filter = ("status", "kind")
    date_hierarchy = "rate_date"
    actions = ("accept_selected", "dismiss_selected")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only the import holds a rate back

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [field.name for field in self.opts.fields]

    def _resolve(self, request: HttpRequest, queryset, service, done_message) -> None:
        actor = get_caller(request).actor
        for conflict in queryset.order_by("pk"):
            try:
                service(conflict=conflict, actor=actor)
            except ApplicationError as error:
                self.message_user(request, f"{conflict}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, done_message % {"conflict": conflict}, messages.SUCCESS)

    @admin.action(description=_("Accept the selected rates (write them)"), permissions=("change",))
    def accept_selected(self, request: HttpRequest, queryset) -> None:
        self._resolve(request, queryset, fx_conflict_accept, _("%(conflict)s: written."))

    @admin.action(
        description=_("Dismiss the selected rates (keep what is recorded)"), permissions=("change",)
    )
    def dismiss_selected(self, request: HttpRequest, queryset) -> None:
        self._resolve(request, queryset, fx_conflict_dismiss, _("%(conflict)s: dismissed."))


@admin.register(m.TaxRule)
class TaxRuleAdmin(PeriodColumns, CatalogAdmin):
    list_display = ("code", "name", "kind", "vehicle_model", "rate_percent", "amount", "starts", "until")
    list_filter = ("kind", "vehicle_model")
    list_select_related = ("vehicle_model",)
    search_fields = (*NAME_SEARCH, "source")
    autocomplete_fields = ("vehicle_model",)

    @admin.display(description=_("name"))
    def name(self, obj: m.TaxRule) -> str:
        return obj.name

    @admin.display(description=pgettext_lazy("tax", "rate"), ordering="rate")
    def rate_percent(self, obj: m.TaxRule) -> str:
        return percent_text(obj.rate)

    @admin.display(description=_("amount"), ordering="amount_jpy")
    def amount(self, obj: m.TaxRule) -> str:
        return amount_text(obj.amount_jpy, "JPY")


@admin.register(m.AutomobileTaxBracket)
class AutomobileTaxBracketAdmin(PeriodColumns, CatalogAdmin):
    list_display = ("displacement_over_cc", "displacement_upto_cc", "amount", "starts", "until", "source")

    @admin.display(description=_("amount"), ordering="amount_jpy")
    def amount(self, obj: m.AutomobileTaxBracket) -> str:
        return amount_text(obj.amount_jpy, "JPY")

    list_filter = ("effective_from",)


@admin.register(m.TonnageTaxBracket)
class TonnageTaxBracketAdmin(CatalogAdmin):
    list_display = (
        "weight_over_kg",
        "weight_upto_kg",
        "years",
        "amount_jpy",
        "effective_from",
        "effective_to",
    )
    list_filter = ("years", "effective_from")
    search_fields = ("source",)


@admin.register(m.CompulsoryInsurancePremium)
class CompulsoryInsurancePremiumAdmin(CatalogAdmin):
    list_display = ("months", "amount_jpy", "effective_from", "effective_to", "source")
    list_filter = ("months", "effective_from")
    search_fields = ("source",)


@admin.register(m.RecyclingDeposit)
class RecyclingDepositAdmin(PeriodColumns, CatalogAdmin):
    list_display = ("vehicle_model", "amount", "starts", "until")

    @admin.display(description=_("amount"), ordering="amount_jpy")
    def amount(self, obj: m.RecyclingDeposit) -> str:
        return amount_text(obj.amount_jpy, "JPY")

    list_filter = ("vehicle_model__maker",)
    list_select_related = ("vehicle_model",)
    search_fields = ("vehicle_model__code",)
    autocomplete_fields = ("vehicle_model",)

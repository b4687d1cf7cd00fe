"""Vehicle models with their certification status, their model years and trims."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models.base import BilingualNamed, code_field
from catalog.models.certification import CertificationRoute
from catalog.models.makers import Maker, Plant
from catalog.models.scoping import ModelYearQuerySet, TrimQuerySet, VehicleModelQuerySet
from catalog.vin import vin_year_code
from core.history import AuditedHistory
from core.models import TimeStampedModel


class BodyType(models.TextChoices):
    SEDAN = "sedan", _("sedan")
    SUV = "suv", _("SUV")
    CROSSOVER = "crossover", _("crossover")
    PICKUP = "pickup", _("pickup truck")
    HATCHBACK = "hatchback", _("hatchback")
    MINIVAN = "minivan", _("minivan")
    COUPE = "coupe", _("coupe")


class RecognitionStatus(models.TextChoices):
    NOT_SUBMITTED = "not_submitted", _("not submitted")
    UNDER_REVIEW = "under_review", _("under review")
    RECOGNISED = "recognised", _("recognised")
    WITHDRAWN = "withdrawn", _("withdrawn")


class VehicleModel(BilingualNamed, TimeStampedModel):
    """A model a maker sells in Japan (Camry, Tundra...), with its route and recognition status."""

    maker = models.ForeignKey(
        Maker, on_delete=models.PROTECT, related_name="vehicle_models", verbose_name=_("maker")
    )
    code = code_field(unique=True)
    body_type = models.CharField(_("body type"), max_length=20, choices=BodyType.choices, db_index=True)
    certification_route = models.ForeignKey(
        CertificationRoute,
        on_delete=models.PROTECT,
        related_name="vehicle_models",
        verbose_name=_("certification route"),
    )
    recognition_status = models.CharField(
        _("recognition status"),
        max_length=20,
        choices=RecognitionStatus.choices,
        default=RecognitionStatus.NOT_SUBMITTED,
        db_index=True,
    )
    recognition_number = models.CharField(_("recognition number"), max_length=60, blank=True)
    recognised_on = models.DateField(_("recognised on"), null=True, blank=True)
    change_cutoff_days = models.PositiveSmallIntegerField(
        _("change cut-off (days)"),
        default=21,
        validators=[MaxValueValidator(180)],
        help_text=_(
            "Confirmed orders may be cancelled or changed until this many days before their production week."
        ),
    )
    active = models.BooleanField(_("active"), default=True, db_index=True)
    history = AuditedHistory()
    objects = VehicleModelQuerySet.as_manager()

    class Meta:
        verbose_name = _("vehicle model")
        verbose_name_plural = _("vehicle models")
        ordering = ("maker__code", "code")
        constraints = [
            models.CheckConstraint(
                condition=~Q(recognition_status=RecognitionStatus.RECOGNISED)
                | (~Q(recognition_number="") & Q(recognised_on__isnull=False)),
                name="catalog_vehiclemodel_recognised_has_number_and_date",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.recognition_status == RecognitionStatus.RECOGNISED:
            errors = {}
            if not self.recognition_number:
                errors["recognition_number"] = _("A recognised model needs its recognition number.")
            if self.recognised_on is None:
                errors["recognised_on"] = _("A recognised model needs the date of its recognition.")
            if errors:
                raise ValidationError(errors)

    @property
    def is_recognised(self) -> bool:
        return self.recognition_status == RecognitionStatus.RECOGNISED


class ModelYear(TimeStampedModel):
    """A model year of a vehicle model and the plant that builds it (which can change by year)."""

    vehicle_model = models.ForeignKey(
        VehicleModel, on_delete=models.PROTECT, related_name="model_years", verbose_name=_("vehicle model")
    )
    year = models.PositiveSmallIntegerField(
        _("model year"), validators=[MinValueValidator(1980), MaxValueValidator(2100)], db_index=True
    )
    plant = models.ForeignKey(
        Plant, on_delete=models.PROTECT, related_name="model_years", verbose_name=_("plant")
    )
    history = AuditedHistory()
    objects = ModelYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("model year")
        verbose_name_plural = _("model years")
        ordering = ("vehicle_model__code", "year")
        constraints = [
            models.UniqueConstraint(fields=("vehicle_model", "year"), name="catalog_modelyear_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=1980) & Q(year__lte=2100), name="catalog_modelyear_year_range"
            ),
        ]

    def __str__(self) -> str:
        # Reads the model: list pages select_related it, forms use autocomplete widgets.
        return f"{self.vehicle_model.code} {self.year}"

    @property
    def vin_year_code(self) -> str:
        """VIN position 10, derived from the year (never stored, so it cannot disagree)."""
        return vin_year_code(self.year)


class Powertrain(models.TextChoices):
    GASOLINE = "gasoline", _("gasoline")
    HYBRID = "hybrid", _("hybrid")
    PLUG_IN_HYBRID = "plug_in_hybrid", _("plug-in hybrid")
    ELECTRIC = "electric", _("electric")
    DIESEL = "diesel", _("diesel")


class Drive(models.TextChoices):
    FWD = "fwd", _("front-wheel drive")
    RWD = "rwd", _("rear-wheel drive")
    AWD = "awd", _("all-wheel drive")
    FOUR_WD = "4wd", _("four-wheel drive")


class PlateClass(models.TextChoices):
    PASSENGER = "3", _("regular passenger (3)")
    CARGO = "1", _("regular cargo (1)")


class Trim(BilingualNamed, TimeStampedModel):
    """A buildable trim of a model year: powertrain, drive, dimensions and Japanese plate class."""

    model_year = models.ForeignKey(
        ModelYear, on_delete=models.PROTECT, related_name="trims", verbose_name=_("model year")
    )
    code = code_field(unique=True)
    powertrain = models.CharField(_("powertrain"), max_length=20, choices=Powertrain.choices, db_index=True)
    drive = models.CharField(_("drive"), max_length=4, choices=Drive.choices, db_index=True)
    length_mm = models.PositiveIntegerField(_("length (mm)"))
    width_mm = models.PositiveIntegerField(_("width (mm)"))
    height_mm = models.PositiveIntegerField(_("height (mm)"))
    curb_weight_kg = models.PositiveIntegerField(_("curb weight (kg)"))
    displacement_cc = models.PositiveIntegerField(
        _("displacement (cc)"), null=True, blank=True, help_text=_("Empty for electric vehicles.")
    )
    seats = models.PositiveSmallIntegerField(_("seats"))
    plate_class = models.CharField(
        _("plate class"),
        max_length=1,
        choices=PlateClass.choices,
        blank=True,
        help_text=_("Empty while undecided (e.g. a pickup that may register as cargo)."),
    )
    active = models.BooleanField(_("active"), default=True, db_index=True)
    history = AuditedHistory()
    objects = TrimQuerySet.as_manager()

    class Meta:
        verbose_name = _("trim")
        verbose_name_plural = _("trims")
        ordering = ("model_year__vehicle_model__code", "-model_year__year", "code")
        constraints = [
            models.CheckConstraint(
                condition=Q(powertrain=Powertrain.ELECTRIC)
                | (Q(displacement_cc__isnull=False) & Q(displacement_cc__gt=0)),
                name="catalog_trim_displacement_unless_electric",
            ),
            models.CheckConstraint(
                condition=Q(length_mm__gt=0)
                & Q(width_mm__gt=0)
                & Q(height_mm__gt=0)
                & Q(curb_weight_kg__gt=0)
                & Q(seats__gt=0),
                name="catalog_trim_dimensions_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.powertrain != Powertrain.ELECTRIC and not self.displacement_cc:
            raise ValidationError(
                {"displacement_cc": _("Only an electric trim may leave the displacement empty.")}
            )

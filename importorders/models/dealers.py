"""Dealers (the importer's Japanese customers) and the people who work for them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.callers import Caller
from core.history import AuditedHistory
from core.models import BilingualNamed, TimeStampedModel
from core.scoping import ScopedQuerySet
from importorders.models.keys import KeyOwner

code_validator = RegexValidator(r"^[A-Z0-9][A-Z0-9_-]{1,19}$", _("Use 2-20 capital letters, digits, - or _."))


class Prefecture(models.TextChoices):
    """Japan's 47 prefectures by JIS X 0401 code."""

    HOKKAIDO = "01", _("Hokkaido")
    AOMORI = "02", _("Aomori")
    IWATE = "03", _("Iwate")
    MIYAGI = "04", _("Miyagi")
    AKITA = "05", _("Akita")
    YAMAGATA = "06", _("Yamagata")
    FUKUSHIMA = "07", _("Fukushima")
    IBARAKI = "08", _("Ibaraki")
    TOCHIGI = "09", _("Tochigi")
    GUNMA = "10", _("Gunma")
    SAITAMA = "11", _("Saitama")
    CHIBA = "12", _("Chiba")
    TOKYO = "13", _("Tokyo")
    KANAGAWA = "14", _("Kanagawa")
    NIIGATA = "15", _("Niigata")
    TOYAMA = "16", _("Toyama")
    ISHIKAWA = "17", _("Ishikawa")
    FUKUI = "18", _("Fukui")
    YAMANASHI = "19", _("Yamanashi")
    NAGANO = "20", _("Nagano")
    GIFU = "21", _("Gifu")
    SHIZUOKA = "22", _("Shizuoka")
    AICHI = "23", _("Aichi")
    MIE = "24", _("Mie")
    SHIGA = "25", _("Shiga")
    KYOTO = "26", _("Kyoto")
    OSAKA = "27", _("Osaka")
    HYOGO = "28", _("Hyogo")
    NARA = "29", _("Nara")
    WAKAYAMA = "30", _("Wakayama")
    TOTTORI = "31", _("Tottori")
    SHIMANE = "32", _("Shimane")
    OKAYAMA = "33", _("Okayama")
    HIROSHIMA = "34", _("Hiroshima")
    YAMAGUCHI = "35", _("Yamaguchi")
    TOKUSHIMA = "36", _("Tokushima")
    KAGAWA = "37", _("Kagawa")
    EHIME = "38", _("Ehime")
    KOCHI = "39", _("Kochi")
    FUKUOKA = "40", _("Fukuoka")
    SAGA = "41", _("Saga")
    NAGASAKI = "42", _("Nagasaki")
    KUMAMOTO = "43", _("Kumamoto")
    OITA = "44", _("Oita")
    MIYAZAKI = "45", _("Miyazaki")
    KAGOSHIMA = "46", _("Kagoshima")
    OKINAWA = "47", _("Okinawa")


class DealerQuerySet(ScopedQuerySet):
    """Dealers a caller may see: back office all, dealer people and keys their own."""

    def restrict(self, caller: Caller) -> DealerQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(pk=caller.dealer_id)
        return self.none()


class Dealer(KeyOwner, BilingualNamed, TimeStampedModel):
    """A Japanese dealer company that orders vehicles from the importer."""

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator])
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=Prefecture.choices, db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True, db_index=True)

    history = AuditedHistory()
    objects = DealerQuerySet.as_manager()

    class Meta:
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DealerMembershipQuerySet(ScopedQuerySet):
    """Memberships a caller may see: back office all, a dealer's people and keys their dealer's."""

    def restrict(self, caller: Caller) -> DealerMembershipQuerySet:
        if caller.is_back_office:
            return self
        if caller.is_dealer:
            return self.filter(dealer_id=caller.dealer_id)
        return self.none()


class DealerMembership(TimeStampedModel):
    """A user's place at one dealer, with their role there. A user belongs to one dealer."""

    class Role(models.TextChoices):
        SALES = "sales", _("Sales")
        MANAGER = "manager", _("Manager")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="dealer_membership",
        verbose_name=_("user"),
    )
    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("dealer")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.SALES)
    active = models.BooleanField(_("active"), default=True)

    history = AuditedHistory()
    objects = DealerMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("dealer membership")
        verbose_name_plural = _("dealer memberships")
        ordering = ["dealer__code", "user__username"]
        indexes = [models.Index(fields=["dealer", "active"], name="membership_dealer_active")]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=["sales", "manager"]), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.dealer.code} ({self.get_role_display()})"

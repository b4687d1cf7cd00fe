"""Who sees which catalog rows: the back office everything, dealers what is on sale, partners nothing."""

from __future__ import annotations

from core.callers import Caller
from core.scoping import ScopedQuerySet


def sees_catalog(caller: Caller) -> bool:
    """Dealer staff, dealer keys and the back office read the catalog; partners have no use for it."""
    return caller.is_back_office or caller.is_dealer


class MakerQuerySet(ScopedQuerySet):
    """Makers: dealers see active ones."""

    def restrict(self, caller: Caller) -> MakerQuerySet:
        if caller.is_back_office:
            return self
        return self.filter(active=True) if sees_catalog(caller) else self.none()


class VehicleModelQuerySet(ScopedQuerySet):
    """Vehicle models: dealers see active models of active makers (recognised or not: flagged)."""

    def restrict(self, caller: Caller) -> VehicleModelQuerySet:
        if caller.is_back_office:
            return self
        if not sees_catalog(caller):
            return self.none()
        return self.filter(active=True, maker__active=True)


class TrimQuerySet(ScopedQuerySet):
    """Trims: dealers see active trims of active models of active makers."""

    def restrict(self, caller: Caller) -> TrimQuerySet:
        if caller.is_back_office:
            return self
        if not sees_catalog(caller):
            return self.none()
        return self.filter(
            active=True,
            model_year__vehicle_model__active=True,
            model_year__vehicle_model__maker__active=True,
        )


class CatalogQuerySet(ScopedQuerySet):
    """Catalog reference rows: the back office sees all, dealers the rows `for_dealers` keeps.

    Subclasses narrow `for_dealers` (what is on sale: active makers, published price lists);
    rows that are public facts (FX rates, tax rules) keep the default, which keeps everything.
    Partners and anonymous callers see nothing of the catalog.
    """

    def for_dealers(self) -> CatalogQuerySet:
        return self

    def restrict(self, caller: Caller) -> CatalogQuerySet:
        if caller.is_back_office:
            return self
        return self.for_dealers() if sees_catalog(caller) else self.none()


class PlantQuerySet(CatalogQuerySet):
    def for_dealers(self) -> PlantQuerySet:
        return self.filter(maker__active=True)


class PlantWmiQuerySet(CatalogQuerySet):
    def for_dealers(self) -> PlantWmiQuerySet:
        return self.filter(plant__maker__active=True)


class ModelYearQuerySet(CatalogQuerySet):
    def for_dealers(self) -> ModelYearQuerySet:
        return self.filter(vehicle_model__active=True, vehicle_model__maker__active=True)


class MakerOwnedQuerySet(CatalogQuerySet):
    """Options and colours: those of active makers."""

    def for_dealers(self) -> MakerOwnedQuerySet:
        return self.filter(maker__active=True)


class OptionQuerySet(CatalogQuerySet):
    def for_dealers(self) -> OptionQuerySet:
        return self.filter(active=True, maker__active=True)


class TrimOfferQuerySet(CatalogQuerySet):
    """Options and colours offered on a trim: those of trims dealers may see."""

    def for_dealers(self) -> TrimOfferQuerySet:
        return self.filter(
            trim__active=True,
            trim__model_year__vehicle_model__active=True,
            trim__model_year__vehicle_model__maker__active=True,
        )


class OptionRuleQuerySet(CatalogQuerySet):
    def for_dealers(self) -> OptionRuleQuerySet:
        return self.filter(option__active=True, option__maker__active=True)


class PriceListQuerySet(CatalogQuerySet):
    """Price lists: dealers see published ones; drafts are the back office's work in progress."""

    def for_dealers(self) -> PriceListQuerySet:
        return self.filter(status="published")


class PriceRowQuerySet(CatalogQuerySet):
    """Rows of a price list (trim, option, colour prices, logistics, fees): published lists only."""

    def for_dealers(self) -> PriceRowQuerySet:
        return self.filter(price_list__status="published")

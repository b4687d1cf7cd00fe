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

"""VINs for tests, and the world VIN assignment needs: the Camry's plant with its WMI, scheduled orders."""

from __future__ import annotations

import pytest

from catalog.models import PlantWmi
from catalog.vin import vin_check_digit
from importorders.models import Order, OrderEvent, OrderStatus, Vehicle
from tests.importorders.api.test_orders import place


def vin_for(
    serial: int, *, wmi: str = "4T1", letter: str = "U", year_code: str = "T", body: str = "DAACK"
) -> str:
    """A valid VIN: the WMI, five body characters, the check digit, year, plant and a six-digit serial.

    The defaults fit the tests' Camry (plant TMMK: WMI 4T1, letter U; model year 2026: T).
    """
    without = f"{wmi}{body}0{year_code}{letter}{serial:06d}"
    return f"{without[:8]}{vin_check_digit(without)}{without[9:]}"


def everything() -> tuple[list, list, list]:
    """Every order, event and vehicle row, as a refused call must leave them."""
    return (
        list(Order.objects.order_by("pk").values()),
        list(OrderEvent.objects.order_by("pk").values()),
        list(Vehicle.objects.order_by("pk").values()),
    )


@pytest.fixture
def vin_plant(camry):
    """The Camry's plant (TMMK, letter U) with its WMI on record."""
    plant = camry.trim.model_year.plant
    PlantWmi.objects.create(plant=plant, wmi="4T1", description="passenger car")
    return plant


def scheduled(dealer, camry, **overrides) -> Order:
    """A scheduled order of `dealer` (through the services)."""
    return place(dealer, camry, OrderStatus.SCHEDULED, **overrides)

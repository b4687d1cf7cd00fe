"""Blocks other apps add to `GET vehicles/{vin}/`, without importorders importing them.

An app registers, in its AppConfig.ready(), a name, a serializer class (for the response and the
OpenAPI schema) and a loader `load(vehicle=..., caller=...)` returning what the serializer reads.
The vehicle's detail calls each loader once and answers the block under its name (compliance:
the readiness of the vehicle's file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class VehicleBlock:
    name: str
    serializer_class: type
    load: Callable[..., object]


_blocks: dict[str, VehicleBlock] = {}


def register_vehicle_block(name: str, serializer_class: type, load: Callable[..., object]) -> None:
    """Add (or replace) the block `name` of the vehicle's detail."""
    _blocks[name] = VehicleBlock(name, serializer_class, load)


def vehicle_blocks() -> list[VehicleBlock]:
    return list(_blocks.values())

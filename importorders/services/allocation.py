"""Allocation: reserving a unit of a dealer's monthly quota when an order is confirmed.

The quota ledger is its own piece of work (DESIGN.md, Allocation). Until it lands, confirmation
reserves against no quota: `allocation_reserve` is the one place confirmation calls, so the
ledger plugs in here without touching the order pipeline.
"""

from __future__ import annotations

from core.actors import Actor


def allocation_reserve(*, order, actor: Actor) -> None:
    """Reserve one unit of the dealer's quota for the order's model and month (none kept yet)."""
    return None

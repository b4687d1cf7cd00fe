"""Release gates: what must hold before an order is released (cleared → ready).

importorders owns this registry; whatever else decides readiness plugs a check in from its own
`AppConfig.ready()`: compliance registers its readiness of the vehicle's file, and importorders
registers its own gate of open custody exceptions (damage, customs holds: importorders.models.
exceptions). importorders never imports the apps that register here.

A gate is a function `check(order) -> list[GateProblem]`: empty when the order may be released as
far as that gate knows. The release move (importorders.services.orders.order_milestone with
"release", and `order_release_attempt`) asks every gate, in registration order, inside the
transaction that holds the order's lock, and refuses with 409 naming every problem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise

# Who must act next to clear a problem.
NextActor = Literal["dealer", "operations", "compliance", "partner", "system"]


@dataclass(frozen=True)
class GateProblem:
    """One reason an order may not be released yet, for the back office and the dealer to read."""

    gate: str  # the gate's registered name
    code: str  # stable, for clients: "document_missing", "damage_open", ...
    message: str | Promise  # translated when read
    next_actor: NextActor = "operations"

    def as_detail(self) -> dict:
        return {
            "code": self.code,
            "gate": self.gate,
            "message": str(self.message),
            "next_actor": self.next_actor,
        }


ReleaseGate = Callable[["object"], list[GateProblem]]

_gates: dict[str, ReleaseGate] = {}


def register_release_gate(name: str, check: ReleaseGate) -> None:
    """Register `check` under `name` (once, in an AppConfig.ready(); registering a name again replaces it)."""
    _gates[name] = check


def release_gate_names() -> list[str]:
    return list(_gates)


def release_problems(order) -> list[GateProblem]:
    """Every problem every gate finds with releasing `order` now (empty: it may be released)."""
    problems: list[GateProblem] = []
    for check in _gates.values():
        problems.extend(check(order))
    return problems

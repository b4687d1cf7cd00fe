"""The order pipeline: every allowed move, in one table.

A move is named by the service that makes it (importorders.services.orders). A status not listed
as a move's source refuses that move with 409 and changes nothing; a move to the status the order
already has is an exact repeat and returns the order unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from importorders.models import OrderStatus as S


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False
    back_office: bool = True  # made by the importer's staff (or the system), not by a dealer


def _move(name: str, sources: tuple[str, ...], target: str, **kwargs) -> Move:
    return Move(name=name, sources=frozenset(sources), target=target, **kwargs)


# Cancel: until the change cut-off, which the service checks for scheduled orders.
CANCELLABLE = (S.DRAFT, S.SUBMITTED, S.CONFIRMED, S.SCHEDULED)

MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        _move("submit", (S.DRAFT,), S.SUBMITTED, back_office=False),
        _move("confirm", (S.SUBMITTED,), S.CONFIRMED),
        _move("reject", (S.SUBMITTED,), S.REJECTED, needs_reason=True),
        _move("schedule", (S.CONFIRMED,), S.SCHEDULED),
        _move("build", (S.SCHEDULED,), S.BUILT),
        _move("ship", (S.BUILT,), S.SHIPPED),
        _move("arrive", (S.SHIPPED,), S.ARRIVED),
        _move("clear", (S.ARRIVED,), S.CLEARED),
        _move("release", (S.CLEARED,), S.READY),
        _move("deliver", (S.READY,), S.DELIVERED),
        _move("cancel", CANCELLABLE, S.CANCELLED, needs_reason=True, back_office=False),
    )
}

# Amended freely (re-validated, re-priced) only before confirmation.
AMENDABLE = frozenset({S.DRAFT, S.SUBMITTED})
# After confirmation and until the cut-off, colour and port-installed options change by request.
CHANGE_REQUESTABLE = frozenset({S.CONFIRMED, S.SCHEDULED})
FINAL = frozenset({S.DELIVERED, S.REJECTED, S.CANCELLED})


def allowed_moves(status: str) -> list[str]:
    """The names of the moves an order in `status` may make, in pipeline order."""
    return [move.name for move in MOVES.values() if status in move.sources]

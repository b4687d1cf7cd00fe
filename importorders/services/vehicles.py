"""VIN assignment: a scheduled order is built, with its VIN, one by one or from the plant's build list.

Assigning a VIN is the pipeline's `build` move (scheduled → built, importorders.pipeline), made
through the one move machinery of importorders.services.orders: the order's row locked, a status
that does not allow it refused (409), an exact repeat (the same VIN again) returned unchanged, and
one OrderEvent with the actor, from, to and the VIN. The VIN is checked by the catalog
(catalog.vin.vin_validate) against the order's model year and the plant that builds it: its WMIs
(positions 1-3), plant letter (11) and year code (10), and the check digit (9). A VIN another
vehicle carries is refused (409); the unique constraint is the last line, for two clerks racing.

The build list (`orders_assign_vins`) is all or nothing: every bad row is named with its line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.errors import VinInvalid
from catalog.models import Plant
from catalog.vin import vin_normalize, vin_validate
from core import clock
from core.actors import Actor
from core.csv_files import csv_records, csv_text
from core.errors import Conflict, ValidationFailed
from core.locks import lock_rows
from importorders.models import Order, OrderStatus, Vehicle
from importorders.models.orders import reference_normalize
from importorders.services.orders import _move, _move_locked_batch

MAX_ROWS = 5_000
EARLIEST_BUILD_DATE = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class PlantVinFacts:
    """What a VIN built at a plant must carry: one of its WMIs and its plant letter."""

    code: str
    wmis: tuple[str, ...]
    letter: str

    def missing(self) -> str | None:
        """Why VINs of this plant cannot be checked (no letter, no WMI on record), or None."""
        if not self.letter:
            return _(
                "The plant %(plant)s has no VIN plant letter configured: set it in the catalog before "
                "assigning VINs."
            ) % {"plant": self.code}
        if not self.wmis:
            return _(
                "The plant %(plant)s has no WMI configured: add its WMIs in the catalog before "
                "assigning VINs."
            ) % {"plant": self.code}
        return None


def _plant_facts(plant_ids: set[int]) -> dict[int, PlantVinFacts]:
    plants = Plant.objects.filter(pk__in=plant_ids).prefetch_related("wmis")
    return {
        plant.pk: PlantVinFacts(
            code=plant.code,
            wmis=tuple(sorted(wmi.wmi for wmi in plant.wmis.all())),
            letter=plant.vin_plant_letter,
        )
        for plant in plants
    }


def _plant_unconfigured(facts: PlantVinFacts, message: str) -> Conflict:
    return Conflict(
        message,
        code="plant_vin_unconfigured",
        details=[{"code": "plant_vin_unconfigured", "plant": facts.code}],
    )


def _build_date_problem(value: dt.date, today: dt.date) -> str | None:
    if value > today:
        return _("The build date %(date)s is in the future (today in Japan is %(today)s).") % {
            "date": value.isoformat(),
            "today": today.isoformat(),
        }
    if value < EARLIEST_BUILD_DATE:
        return _("The build date %(date)s is too far in the past.") % {"date": value.isoformat()}
    return None


def _vin_in_use(vin: str, reference: str | None) -> Conflict:
    details = {"code": "vin_in_use", "vin": vin, **({"order": reference} if reference else {})}
    return Conflict(
        _("The VIN %(vin)s is already assigned to another vehicle.") % {"vin": vin},
        code="vin_in_use",
        fields={"vin": [_("The VIN %(vin)s is already assigned to another vehicle.") % {"vin": vin}]},
        details=[details],
    )


def _vin_holder(vin: str) -> tuple[bool, str | None]:
    """Whether a vehicle carries `vin`, and its order's reference (None for a stock vehicle)."""
    holders = list(Vehicle.objects.filter(vin=vin).values_list("order__reference", flat=True))
    return bool(holders), (holders[0] if holders else None)


def _vehicle_for(order: Order, vin: str, build_date: dt.date, actor: Actor) -> Vehicle:
    """The vehicle row a built order gets (not saved)."""
    vehicle = Vehicle(
        vin=vin,
        order=order,
        plant_id=order.trim.model_year.plant_id,
        model_year_id=order.trim.model_year_id,
        trim_id=order.trim_id,
        color_id=order.color_id,
        build_date=build_date,
    )
    vehicle.actor_fill(actor)
    return vehicle


def _already_built(vin: str) -> Conflict:
    return Conflict(
        _("This order has already been built with the VIN %(vin)s.") % {"vin": vin},
        code="already_built",
        details=[{"code": "already_built", "vin": vin}],
    )


def order_assign_vin(*, order: Order, actor: Actor, vin: str, build_date: dt.date | None = None) -> Order:
    """Scheduled → built with this VIN (checked against the order's plant and model year).

    400 for a VIN that is not one (naming each broken position) or a build date in the future;
    409 for an order that is not scheduled, one built with another VIN, a plant whose VIN letter or
    WMIs are not on record, or a VIN another vehicle carries. The same VIN again returns the order.
    """
    normalized = vin_normalize(vin)  # 400 before any lock: characters and length need no order
    today = clock.today_jst()
    built_on = build_date or today
    problem = _build_date_problem(built_on, today)
    if problem:
        raise ValidationFailed(fields={"build_date": [problem]})

    def repeat(locked: Order) -> None:
        current = Vehicle.objects.filter(order=locked).values_list("vin", flat=True).first()
        if current != normalized:
            raise _already_built(current or "")

    def apply(locked: Order) -> dict:
        model_year = locked.trim.model_year
        facts = _plant_facts({model_year.plant_id})[model_year.plant_id]
        missing = facts.missing()
        if missing:
            raise _plant_unconfigured(facts, missing)
        checked = vin_validate(
            normalized, wmis=facts.wmis, plant_letter=facts.letter, model_year=model_year.year
        )
        taken, holder = _vin_holder(checked)
        if taken:
            raise _vin_in_use(checked, holder)
        try:
            with transaction.atomic():  # a savepoint: the race's loser keeps a usable transaction
                _vehicle_for(locked, checked, built_on, actor).save()
        except IntegrityError:
            if not Vehicle.objects.filter(vin=checked).exists():
                raise
            raise _vin_in_use(checked, None) from None
        return {"vin": checked, "build_date": built_on.isoformat()}

    return _move(order, "build", actor, apply=apply, repeat=repeat)


# The plant's build list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildListRow:
    """One row of a build list as written: the file line, the order reference, the VIN, the build
    date (`YYYY-MM-DD` or `YYYY/MM/DD`; empty for today)."""

    line: int
    reference: str
    vin: str
    build_date: str = ""


@dataclass(frozen=True)
class BuildListResult:
    """What a build list did: orders built now, and rows that repeated a VIN already assigned."""

    assigned: int
    unchanged: int


class BuildListInvalid(ValidationFailed):
    """A build list with at least one bad row: nothing was assigned; each row is named by its line."""

    default_code = "build_list_invalid"

    def __init__(self, problems: dict[int, list[dict]]) -> None:
        ordered = sorted(problems.items())
        super().__init__(
            _("The build list was refused; no VIN was assigned."),
            fields={
                _("line %(line)s") % {"line": line}: [problem["message"] for problem in found]
                for line, found in ordered
            },
            details=[{"line": line, **problem} for line, found in ordered for problem in found],
        )


def build_date_parse(text: str, today: dt.date) -> tuple[dt.date | None, str | None]:
    """(date, None) for `YYYY-MM-DD`, `YYYY/MM/DD` or empty (today); (None, why) otherwise."""
    text = text.strip()
    if not text:
        return today, None
    try:
        value = dt.date.fromisoformat(text.replace("/", "-")) if len(text) == 10 else None
    except ValueError:
        value = None
    if value is None:
        return None, _("The build date %(date)s is not a date: write it as YYYY-MM-DD.") % {"date": text}
    problem = _build_date_problem(value, today)
    return (None, problem) if problem else (value, None)


class _Checker:
    """Checks every row of a build list against the locked orders, the plants and the vehicles."""

    def __init__(self, rows: Sequence[BuildListRow], today: dt.date) -> None:
        self.rows, self.today = rows, today
        self.problems: dict[int, list[dict]] = {}
        self.references = {row.line: reference_normalize(row.reference) for row in rows}
        self.vins: dict[int, str] = {}

    def refuse(self, line: int, code: str, message: str, **extra) -> None:
        self.problems.setdefault(line, []).append({"code": code, "message": message, **extra})

    def normalise_vins(self) -> None:
        for row in self.rows:
            try:
                self.vins[row.line] = vin_normalize(row.vin)
            except VinInvalid as exc:
                for problem in exc.problems:
                    self.refuse(row.line, "invalid_vin", problem.message, **_vin_detail(problem))

    def refuse_repeats(self) -> None:
        """The same order or the same VIN twice in the file: every later row names the first."""
        first_reference: dict[str, int] = {}
        first_vin: dict[str, int] = {}
        for row in self.rows:
            reference = self.references[row.line]
            if reference and reference in first_reference:
                self.refuse(
                    row.line,
                    "duplicate_order",
                    _("The order %(reference)s is also on line %(line)s.")
                    % {"reference": reference, "line": first_reference[reference]},
                )
            first_reference.setdefault(reference, row.line)
            vin = self.vins.get(row.line)
            if vin and vin in first_vin:
                self.refuse(
                    row.line,
                    "duplicate_vin",
                    _("The VIN %(vin)s is also on line %(line)s.") % {"vin": vin, "line": first_vin[vin]},
                )
            if vin:
                first_vin.setdefault(vin, row.line)


def _vin_detail(problem) -> dict:
    return {key: value for key, value in problem.as_detail().items() if key not in ("code", "message")} | {
        "rule": problem.code
    }


def orders_assign_vins(*, actor: Actor, rows: Sequence[BuildListRow]) -> BuildListResult:
    """Assign every row's VIN to its order, all or nothing; BuildListInvalid names each bad row.

    One transaction: the orders on the list are locked (in primary-key order) before any row is
    judged, so what is checked is what is written. The reads are one query each for the whole list
    (the orders, their vehicles, the VINs' holders, the plants), and the writes are batched
    (services.orders._move_locked_batch, Vehicle.bulk_create): the queries do not grow per row.
    A row whose order already carries that VIN is
    an exact repeat (a list uploaded twice) and changes nothing.
    """
    if not rows:
        raise ValidationFailed(code="build_list_empty", fields={"file": [_("The build list has no rows.")]})
    if len(rows) > MAX_ROWS:
        message = _("A build list holds at most %(limit)s rows; this one has %(count)s. Split it.") % {
            "limit": f"{MAX_ROWS:,}",
            "count": f"{len(rows):,}",
        }
        raise ValidationFailed(message, code="too_many_rows", fields={"file": [message]})
    today = clock.today_jst()
    checker = _Checker(rows, today)
    checker.normalise_vins()
    checker.refuse_repeats()
    with transaction.atomic():
        orders = {
            order.reference: order
            for order in lock_rows(
                Order.objects.select_related("trim__model_year", "color").filter(
                    reference__in=set(checker.references.values())
                )
            )
        }
        built = dict(
            Vehicle.objects.filter(
                order__in=[o.pk for o in orders.values() if o.status == OrderStatus.BUILT]
            ).values_list("order_id", "vin")
        )
        holders = dict(
            Vehicle.objects.filter(vin__in=set(checker.vins.values())).values_list("vin", "order_id")
        )
        plants = _plant_facts({order.trim.model_year.plant_id for order in orders.values()})
        todo: list[tuple[Order, str, dt.date]] = []
        unchanged = 0
        for row in rows:
            line, reference, vin = row.line, checker.references[row.line], checker.vins.get(row.line)
            built_on, date_problem = build_date_parse(row.build_date, today)
            if date_problem:
                checker.refuse(line, "bad_build_date", date_problem)
            order = orders.get(reference)
            if order is None:
                if not reference:
                    checker.refuse(line, "unknown_order", _("The order reference is empty."))
                else:
                    checker.refuse(
                        line,
                        "unknown_order",
                        _("There is no order %(reference)s.") % {"reference": reference},
                    )
                continue
            if order.status == OrderStatus.BUILT and vin is not None and built.get(order.pk) == vin:
                unchanged += 1
                continue
            if order.status != OrderStatus.SCHEDULED:
                if order.status == OrderStatus.BUILT:
                    message = _("The order %(reference)s has already been built with the VIN %(vin)s.") % {
                        "reference": reference,
                        "vin": built.get(order.pk, ""),
                    }
                else:
                    message = _(
                        "The order %(reference)s is %(status)s: only scheduled orders are given a VIN."
                    ) % {"reference": reference, "status": order.get_status_display()}
                checker.refuse(line, "wrong_status", message, status=order.status)
                continue
            model_year = order.trim.model_year
            facts = plants[model_year.plant_id]
            missing = facts.missing()
            if missing:
                checker.refuse(line, "plant_vin_unconfigured", missing, plant=facts.code)
                continue
            if vin is None:
                continue
            try:
                vin_validate(vin, wmis=facts.wmis, plant_letter=facts.letter, model_year=model_year.year)
            except VinInvalid as exc:
                for problem in exc.problems:
                    checker.refuse(line, "invalid_vin", problem.message, **_vin_detail(problem))
                continue
            if vin in holders and holders[vin] != order.pk:
                checker.refuse(
                    line,
                    "vin_in_use",
                    _("The VIN %(vin)s is already assigned to another vehicle.") % {"vin": vin},
                )
                continue
            if built_on is not None:
                todo.append((order, vin, built_on))
        if checker.problems:
            raise BuildListInvalid(checker.problems)
        # The orders are locked and checked above: one batch of `build` moves (an UPDATE and the
        # events' INSERT per 500 orders, a notification per order on commit), then the vehicles.
        vehicles = [_vehicle_for(order, vin, built_on, actor) for order, vin, built_on in todo]
        _move_locked_batch(
            [order for order, _vin, _built_on in todo],
            "build",
            actor,
            changes={
                order.pk: {"vin": vin, "build_date": built_on.isoformat()} for order, vin, built_on in todo
            },
        )
        try:
            with transaction.atomic():
                Vehicle.objects.bulk_create(vehicles, batch_size=500)
        except IntegrityError:
            # Another clerk assigned one of these VINs since the check: name the rows, assign none.
            taken = set(
                Vehicle.objects.filter(vin__in=[v.vin for v in vehicles]).values_list("vin", flat=True)
            )
            if not taken:
                raise
            for row in rows:
                if checker.vins.get(row.line) in taken:
                    vin = checker.vins[row.line]
                    checker.refuse(
                        row.line,
                        "vin_in_use",
                        _("The VIN %(vin)s is already assigned to another vehicle.") % {"vin": vin},
                    )
            raise BuildListInvalid(checker.problems) from None
    return BuildListResult(assigned=len(todo), unchanged=unchanged)


# Reading the file -----------------------------------------------------------------------------------

MAX_FILE_BYTES = 1_000_000
# Header names as plants and clerks write them (any case; spaces, hyphens and underscores alike).
BUILD_LIST_COLUMNS = {
    "reference": ("reference", "order reference", "order", "注文番号"),
    "vin": ("vin", "車台番号"),
    "build_date": ("build date", "built on", "生産日"),
}


def _header_name(cell: str) -> str:
    return " ".join(cell.replace("_", " ").replace("-", " ").lower().split())


def build_list_read(raw: bytes) -> list[BuildListRow]:
    """The rows of a build-list CSV: a header row naming reference, VIN and build date (any order;
    other columns are ignored), then one order per line; blank lines are skipped.

    UTF-8 (with or without BOM) or Shift_JIS; a file that is not CSV text, has no such header, is
    larger than MAX_FILE_BYTES or holds more than MAX_ROWS rows is refused (400) under `file`.
    """
    if len(raw) > MAX_FILE_BYTES:
        message = _("The file is larger than %(limit)s bytes.") % {"limit": f"{MAX_FILE_BYTES:,}"}
        raise ValidationFailed(message, code="file_too_large", fields={"file": [message]})
    records = csv_records(csv_text(raw))
    if not records:
        raise ValidationFailed(code="build_list_empty", fields={"file": [_("The build list has no rows.")]})
    header = [_header_name(cell) for cell in records[0][1]]
    columns: dict[str, int] = {}
    for name, aliases in BUILD_LIST_COLUMNS.items():
        found = [index for index, cell in enumerate(header) if cell in aliases]
        if len(found) == 1:
            columns[name] = found[0]
    if len(columns) != len(BUILD_LIST_COLUMNS):
        message = _("The first line must name the columns: reference, VIN, build date.")
        raise ValidationFailed(message, code="build_list_header", fields={"file": [message]})
    rows = []
    for line, cells in records[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationFailed(
                _("A build list holds at most %(limit)s rows. Split it.") % {"limit": f"{MAX_ROWS:,}"},
                code="too_many_rows",
                fields={
                    "file": [
                        _("A build list holds at most %(limit)s rows. Split it.") % {"limit": f"{MAX_ROWS:,}"}
                    ]
                },
            )

        def cell(name: str, cells=cells) -> str:
            index = columns[name]
            return cells[index].strip() if index < len(cells) else ""

        rows.append(
            BuildListRow(
                line=line, reference=cell("reference"), vin=cell("vin"), build_date=cell("build_date")
            )
        )
    return rows

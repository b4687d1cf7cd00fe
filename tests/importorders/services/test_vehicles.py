"""order_assign_vin and orders_assign_vins: the build move with its VIN, and the plant's build list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import translation

from catalog.errors import VinInvalid
from catalog.models import PlantWmi
from core.actors import Actor
from core.errors import Conflict, ValidationFailed
from importorders.models import OrderStatus, Vehicle
from importorders.services import vehicles as svc
from tests.clock import today
from tests.factories import DealerFactory
from tests.importorders.api.test_orders import place
from tests.importorders.vins import everything, scheduled, vin_for, vin_plant  # noqa: F401

pytestmark = pytest.mark.django_db

CLERK = Actor.system("clerk")


@pytest.fixture
def dealer(db):
    return DealerFactory(code="TKY001")


@pytest.fixture
def order(dealer, camry, vin_plant):  # noqa: F811
    return scheduled(dealer, camry)


def test_a_scheduled_order_is_built_with_its_vin_and_one_event(order, django_capture_on_commit_callbacks):
    vin = vin_for(123456)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        built = svc.order_assign_vin(order=order, actor=CLERK, vin=vin)

    assert built.status == OrderStatus.BUILT
    vehicle = Vehicle.objects.get()
    assert (vehicle.vin, vehicle.order_id, vehicle.build_date) == (vin, order.pk, today())
    assert (vehicle.plant_id, vehicle.model_year_id, vehicle.trim_id, vehicle.color_id) == (
        order.trim.model_year.plant_id,
        order.trim.model_year_id,
        order.trim_id,
        order.color_id,
    )
    assert (vehicle.actor_kind, vehicle.actor_ref) == ("system", "clerk")
    event = order.events.get(kind="moved", to_status="built")
    assert (event.from_status, event.actor_ref, event.changes) == (
        "scheduled",
        "clerk",
        {"vin": vin, "build_date": today().isoformat()},
    )
    # the move listeners and the notification they queue (the kept order reads' bump for the dealer
    # was queued in this transaction when the order was placed: one per dealer and transaction)
    assert len(callbacks) == 2


def test_lower_case_and_fullwidth_input_is_stored_as_the_vin(order):
    vin = vin_for(7)
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in vin.lower())

    svc.order_assign_vin(order=order, actor=CLERK, vin=f"  {fullwidth} ")

    assert Vehicle.objects.get().vin == vin


def test_the_same_vin_again_is_an_exact_repeat_and_another_is_409(order):
    vin = vin_for(1)
    svc.order_assign_vin(order=order, actor=CLERK, vin=vin)
    snapshot = everything()

    again = svc.order_assign_vin(order=order, actor=CLERK, vin=vin.lower())
    with pytest.raises(Conflict) as refused:
        svc.order_assign_vin(order=order, actor=CLERK, vin=vin_for(2))

    assert again.status == OrderStatus.BUILT
    assert refused.value.code == "already_built"
    assert refused.value.details == [{"code": "already_built", "vin": vin}]
    assert everything() == snapshot


@pytest.mark.parametrize(
    ("vin", "codes", "positions"),
    [
        (vin_for(5, wmi="5TD"), ["wmi"], [1]),
        (vin_for(5, year_code="S"), ["model_year"], [10]),
        (vin_for(5, letter="S"), ["plant"], [11]),
        (vin_for(5)[:8] + ("0" if vin_for(5)[8] != "0" else "1") + vin_for(5)[9:], ["check_digit"], [9]),
        (vin_for(5, wmi="5TD", letter="X"), ["wmi", "plant"], [1, 11]),
        ("4T1DAACK\u041eTU000005", ["bad_character"], [9]),  # a Cyrillic O
        ("4T1DAACK", ["bad_length"], [None]),
    ],
    ids=["wmi", "year", "plant", "check-digit", "two", "cyrillic", "short"],
)
def test_a_vin_that_does_not_fit_the_order_is_400_naming_the_position(order, vin, codes, positions):
    snapshot = everything()

    with pytest.raises(VinInvalid) as refused:
        svc.order_assign_vin(order=order, actor=CLERK, vin=vin)

    assert [p.code for p in refused.value.problems] == codes
    assert [p.position for p in refused.value.problems] == positions
    assert everything() == snapshot


def test_a_vin_another_vehicle_carries_is_409_naming_it(dealer, camry, order):
    vin = vin_for(9)
    first = scheduled(dealer, camry)
    svc.order_assign_vin(order=first, actor=CLERK, vin=vin)
    snapshot = everything()

    with pytest.raises(Conflict) as refused:
        svc.order_assign_vin(order=order, actor=CLERK, vin=vin)

    assert refused.value.code == "vin_in_use"
    assert vin in str(refused.value.message)
    assert refused.value.details == [{"code": "vin_in_use", "vin": vin, "order": first.reference}]
    assert everything() == snapshot


def test_the_unique_constraint_catches_what_the_check_missed_and_leaves_the_transaction_usable(
    order, monkeypatch
):
    vin = vin_for(10)
    other = Vehicle.objects.create(
        vin=vin,
        plant=order.trim.model_year.plant,
        model_year=order.trim.model_year,
        trim=order.trim,
        color=order.color,
        build_date=today(),
        actor_kind="system",
        actor_ref="another-clerk",
        actor_label="another-clerk",
    )
    # The other clerk's row was written after this one's check: the check saw nothing.
    monkeypatch.setattr(svc, "_vin_holder", lambda vin: (False, None))

    with transaction.atomic():
        with pytest.raises(Conflict) as refused:
            svc.order_assign_vin(order=order, actor=CLERK, vin=vin)
        usable = Vehicle.objects.count()  # a broken transaction would raise here

    assert refused.value.code == "vin_in_use"
    assert usable == 1
    assert list(Vehicle.objects.values_list("pk", flat=True)) == [other.pk]
    order.refresh_from_db()
    assert order.status == OrderStatus.SCHEDULED


@pytest.mark.parametrize("status", [OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.CONFIRMED])
def test_an_order_that_is_not_scheduled_is_409(dealer, camry, vin_plant, status):  # noqa: F811
    order = place(dealer, camry, status)
    snapshot = everything()

    with pytest.raises(Conflict) as refused:
        svc.order_assign_vin(order=order, actor=CLERK, vin=vin_for(3))

    assert refused.value.code == "move_not_allowed"
    assert everything() == snapshot


@pytest.mark.parametrize("missing", ["letter", "wmis"])
def test_a_plant_without_its_vin_letter_or_wmis_is_a_clear_409_not_a_crash(order, missing):
    plant = order.trim.model_year.plant
    if missing == "letter":
        type(plant).objects.filter(pk=plant.pk).update(vin_plant_letter="")
    else:
        PlantWmi.objects.filter(plant=plant).delete()
    snapshot = everything()

    with translation.override("en"), pytest.raises(Conflict) as refused:
        svc.order_assign_vin(order=order, actor=CLERK, vin=vin_for(4))

    assert refused.value.code == "plant_vin_unconfigured"
    assert plant.code in str(refused.value.message)
    assert ("letter" if missing == "letter" else "WMI") in str(refused.value.message)
    assert everything() == snapshot


def test_the_build_date_defaults_to_today_in_japan_and_may_not_be_in_the_future(order, clock):
    # 23:30 UTC is 08:30 the next day in Japan: "today" is Japan's.
    now = clock.now()
    clock.set(now.replace(hour=23, minute=30, second=0, microsecond=0))
    snapshot = everything()

    with pytest.raises(ValidationFailed) as refused:
        svc.order_assign_vin(
            order=order, actor=CLERK, vin=vin_for(6), build_date=today() + dt.timedelta(days=1)
        )
    assert list(refused.value.fields) == ["build_date"]
    assert everything() == snapshot

    svc.order_assign_vin(order=order, actor=CLERK, vin=vin_for(6))
    assert Vehicle.objects.get().build_date == today()
    assert today() == (clock.now() + dt.timedelta(hours=9)).date()


def test_a_build_date_in_the_past_is_kept(order):
    svc.order_assign_vin(order=order, actor=CLERK, vin=vin_for(8), build_date=today() - dt.timedelta(days=3))

    assert Vehicle.objects.get().build_date == today() - dt.timedelta(days=3)


# The build list ------------------------------------------------------------------------------------


def _csv(lines: list[str], encoding: str = "utf-8") -> bytes:
    return "\r\n".join(lines).encode(encoding)


def test_a_build_list_assigns_every_row_all_at_once(dealer, camry, order):
    second = scheduled(dealer, camry)
    raw = _csv(
        [
            "reference,VIN,build date",
            f"{order.reference},{vin_for(11)},{(today() - dt.timedelta(days=2)).isoformat()}",
            f"{second.reference.lower().replace('-', '')},{vin_for(12).lower()},",
        ]
    )

    result = svc.orders_assign_vins(actor=CLERK, rows=svc.build_list_read(raw))

    assert result == svc.BuildListResult(assigned=2, unchanged=0)
    vehicles = dict(Vehicle.objects.values_list("order__reference", "vin"))
    assert vehicles == {order.reference: vin_for(11), second.reference: vin_for(12)}
    assert Vehicle.objects.get(vin=vin_for(11)).build_date == today() - dt.timedelta(days=2)
    assert Vehicle.objects.get(vin=vin_for(12)).build_date == today()
    for built in (order, second):
        event = built.events.get(to_status="built")
        assert (event.from_status, event.actor_ref, event.changes["vin"]) == (
            "scheduled",
            "clerk",
            vehicles[built.reference],
        )


def test_a_list_uploaded_again_changes_nothing(order):
    rows = [svc.BuildListRow(line=2, reference=order.reference, vin=vin_for(13))]
    svc.orders_assign_vins(actor=CLERK, rows=rows)
    snapshot = everything()

    again = svc.orders_assign_vins(actor=CLERK, rows=rows)

    assert again == svc.BuildListResult(assigned=0, unchanged=1)
    assert everything() == snapshot


def test_every_bad_row_is_named_by_its_line_and_nothing_is_assigned(dealer, camry, order):
    other_dealer = DealerFactory(code="OSK001")
    good = scheduled(other_dealer, camry)
    confirmed = place(dealer, camry, OrderStatus.CONFIRMED)
    built = scheduled(dealer, camry)
    svc.order_assign_vin(order=built, actor=CLERK, vin=vin_for(20))
    twice = scheduled(dealer, camry)
    snapshot = everything()
    raw = _csv(
        [
            "VIN,reference,build date,remarks",  # columns in any order; others ignored
            f"{vin_for(21)},{good.reference},,fine",  # line 2: the only good row
            f"{vin_for(22)},NOPE-NOPE,,",  # 3: unknown order
            f"{vin_for(23)},{confirmed.reference},,",  # 4: not scheduled
            f"{vin_for(24, letter='S')},{order.reference},,",  # 5: wrong plant letter (position 11)
            f"{vin_for(21)},{twice.reference},,",  # 6: the VIN of line 2 again
            f"{vin_for(25)},{good.reference},,",  # 7: the order of line 2 again
            f"{vin_for(20)},{twice.reference},,",  # 8: VIN already used by another vehicle
            f"{vin_for(26)},{twice.reference},{(today() + dt.timedelta(days=1)).isoformat()},",  # 9: future
            f"{vin_for(27)},{twice.reference},12/31/2026,",  # 10: not a date (and order of 6 again)
            "",
            f"{vin_for(28)},{built.reference},,",  # 12: built with another VIN
        ]
    )

    with translation.override("en"), pytest.raises(svc.BuildListInvalid) as refused:
        svc.orders_assign_vins(actor=CLERK, rows=svc.build_list_read(raw))

    by_line: dict[int, list[str]] = {}
    for detail in refused.value.details:
        by_line.setdefault(detail["line"], []).append(detail["code"])
    assert by_line == {
        3: ["unknown_order"],
        4: ["wrong_status"],
        5: ["invalid_vin"],
        6: ["duplicate_vin"],
        7: ["duplicate_order"],
        8: ["duplicate_order", "vin_in_use"],
        9: ["duplicate_order", "bad_build_date"],
        10: ["duplicate_order", "bad_build_date"],
        12: ["wrong_status"],
    }
    plant = next(d for d in refused.value.details if d["line"] == 5)
    assert (plant["rule"], plant["position"], plant["expected"], plant["found"]) == ("plant", 11, "U", "S")
    assert "Position 11" in plant["message"]
    assert list(refused.value.fields)[:2] == ["line 3", "line 4"]
    assert everything() == snapshot


def test_the_row_limit_is_a_clear_400(monkeypatch, order):
    monkeypatch.setattr(svc, "MAX_ROWS", 3)
    lines = ["reference,VIN,build date", *(f"{order.reference},{vin_for(i)}," for i in range(4))]

    with pytest.raises(ValidationFailed) as refused:
        svc.build_list_read(_csv(lines))
    with pytest.raises(ValidationFailed) as refused_rows:
        svc.orders_assign_vins(
            actor=CLERK, rows=[svc.BuildListRow(line=i, reference="X", vin="X") for i in range(4)]
        )

    assert refused.value.code == refused_rows.value.code == "too_many_rows"
    assert "3" in refused.value.fields["file"][0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_the_file_may_be_utf8_with_or_without_bom_or_shift_jis(encoding, order):
    raw = _csv(["注文番号,車台番号,生産日,備考", f"{order.reference},{vin_for(30)},,東京行き"], encoding)

    rows = svc.build_list_read(raw)

    assert rows == [svc.BuildListRow(line=2, reference=order.reference, vin=vin_for(30), build_date="")]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file_not_csv"),
        (b'reference,VIN\r\nK7M3-9QPX,"4T1', "file_not_csv"),
        (b"\xff\xfe\xfa\xfb\xfc", "file_not_csv"),
        (b"", "build_list_empty"),
        (b"order,serial,date\r\nK7M3-9QPX,1,\r\n", "build_list_header"),
        (b"reference,VIN,build date,VIN\r\n", "build_list_header"),
    ],
    ids=["png", "open-quote", "binary", "empty", "other-header", "vin-twice"],
)
def test_a_file_that_is_not_a_build_list_is_400(raw, code):
    with pytest.raises(ValidationFailed) as refused:
        svc.build_list_read(raw)

    assert refused.value.code == code
    assert "file" in refused.value.fields


def test_a_header_only_list_has_no_rows():
    with pytest.raises(ValidationFailed) as refused:
        svc.orders_assign_vins(actor=CLERK, rows=svc.build_list_read(b"reference,VIN,build date\r\n"))

    assert refused.value.code == "build_list_empty"


def test_a_build_list_runs_the_same_queries_for_2_rows_as_for_20(
    dealer, camry, order, django_capture_on_commit_callbacks
):
    from tests.queries import count_queries

    def build_list(size: int, first_serial: int) -> list[svc.BuildListRow]:
        orders = [scheduled(dealer, camry) for _ in range(size)]
        return [
            svc.BuildListRow(line=index + 2, reference=built.reference, vin=vin_for(first_serial + index))
            for index, built in enumerate(orders)
        ]

    few, many = build_list(2, 100), build_list(20, 200)
    with django_capture_on_commit_callbacks() as few_callbacks:
        few_queries = count_queries(lambda: svc.orders_assign_vins(actor=CLERK, rows=few))
    with django_capture_on_commit_callbacks() as many_callbacks:
        many_queries = count_queries(lambda: svc.orders_assign_vins(actor=CLERK, rows=many))

    assert few_queries == many_queries
    assert Vehicle.objects.filter(vin__in=[row.vin for row in few + many]).count() == 22
    # Every built order still has its own event with the clerk and its VIN, and its own notification.
    for row in many:
        event = Vehicle.objects.get(vin=row.vin).order.events.get(to_status="built")
        assert (event.actor_ref, event.changes["vin"]) == ("clerk", row.vin)
    assert len(many_callbacks) - len(few_callbacks) == 0  # one batch callback and the dealer's bump

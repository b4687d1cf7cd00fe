"""Back-filling exchange rates in the admin: upload, preview, confirm; all or nothing; bad lines named."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog import models as m
from tests.catalog import factories as f
from tests.catalog.services.test_fx_import import SJIS_TABLE
from tests.clock import days_ago

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:catalog_fxrate_import")


def ops_client(client, world, language="en"):
    client.force_login(world.users["operations"])
    client.cookies["django_language"] = language
    return client


def upload(client, content: bytes, source="MUFG TTM"):
    return client.post(
        IMPORT, {"file": SimpleUploadedFile("rates.csv", content, "text/csv"), "source": source}
    )


def simple_csv(rows, *, bom=False, encoding="utf-8", newline="\r\n") -> bytes:
    text = newline.join(["date,rate", *rows]) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def test_a_utf8_file_with_bom_is_previewed_then_applied_naming_the_person(client, world):
    f.FxRateFactory(rate_date=days_ago(3), rate=Decimal("150.0000"))
    rows = [
        f"{days_ago(5):%Y-%m-%d},149.10",
        f"{days_ago(4):%Y/%m/%d},149.55",
        f"{days_ago(3).year}年{days_ago(3).month}月{days_ago(3).day}日,150.20",
    ]
    admin = ops_client(client, world)

    preview = upload(admin, simple_csv(rows, bom=True))

    assert preview.status_code == 200
    text = preview.content.decode()
    assert "2 added, 1 changed, 0 unchanged." in text
    assert m.FxRate.objects.count() == 1  # a preview writes nothing

    applied = admin.post(
        IMPORT, {"confirm": "1", "content": preview.context["content"], "source": "MUFG TTM"}
    )

    assert applied.status_code == 302
    rates = dict(m.FxRate.objects.values_list("rate_date", "rate"))
    assert rates == {
        days_ago(5): Decimal("149.1000"),
        days_ago(4): Decimal("149.5500"),
        days_ago(3): Decimal("150.2000"),
    }
    written = m.FxRate.objects.get(rate_date=days_ago(5))
    assert (written.actor_kind, written.actor_label, written.source, written.source_url) == (
        "user",
        "ops",
        "MUFG TTM",
        "",
    )
    assert written.history.get().history_user == world.users["operations"]


def test_the_bank_table_in_shift_jis_back_fills_its_date(client, world):
    admin = ops_client(client, world, "ja")

    preview = upload(admin, SJIS_TABLE)
    assert "追加 1 件、変更 0 件、変更なし 0 件。" in preview.content.decode()
    admin.post(IMPORT, {"confirm": "1", "content": preview.context["content"], "source": "MUFG TTM"})

    assert m.FxRate.objects.get().rate_date == dt.date(2026, 12, 1)


def test_a_shift_jis_simple_file_is_read(client, world):
    content = "date,rate\r\n2026年1月5日,157.23\r\n".encode("cp932")
    preview = upload(ops_client(client, world), content)

    assert "1 added" in preview.content.decode()


def test_every_bad_line_is_named_and_nothing_is_imported(client, world):
    rows = [
        f"{days_ago(9):%Y-%m-%d},149.10",
        "2026-13-01,149.00",
        f"{days_ago(8):%Y-%m-%d},abc",
        f"{days_ago(7):%Y-%m-%d},1490",
        f"{days_ago(9):%Y-%m-%d},149.10",
        "2026-01-05",
    ]
    admin = ops_client(client, world)

    response = upload(admin, simple_csv(rows))

    text = response.content.decode()
    assert 'id="import-errors"' in text
    assert "row 3: 2026-13-01 is not a date." in text
    assert "row 4: abc is not a number." in text
    assert "row 5: 1490 yen to the dollar is outside the sane range 50 to 500." in text
    assert "row 6: Duplicate of row 2." in text
    assert "row 7: Expected 2 columns." in text
    assert m.FxRate.objects.count() == 0
    # A tampered confirmation is checked again: still nothing.
    admin.post(IMPORT, {"confirm": "1", "content": simple_csv(rows).decode(), "source": "x"})
    assert m.FxRate.objects.count() == 0


def test_a_file_that_is_neither_utf8_nor_shift_jis_is_refused(client, world):
    response = upload(ops_client(client, world), b"date,rate\r\n2026-01-05,\x81\x20\r\n")

    assert "The file is neither UTF-8 nor Shift_JIS text." in response.content.decode()


def test_a_jump_is_shown_before_it_is_applied(client, world):
    f.FxRateFactory(rate_date=days_ago(2), rate=Decimal("150.0000"))
    response = upload(ops_client(client, world), simple_csv([f"{days_ago(1):%Y-%m-%d},160.00"]))

    assert "1 rate moves more than 5% from the rate before it" in response.content.decode()
    assert "6.67%" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("compliance", 403), ("dealer_sales", 302), ("admin", 200)])
def test_only_those_who_may_add_and_change_rates_import(client, world, who, status):
    client.force_login(world.users[who])

    assert client.get(IMPORT).status_code == status

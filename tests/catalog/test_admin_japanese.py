"""The back office in Japanese: key screens, price rows with names and separators, periods read as
"until" their last day while effective_to stays the first day a row no longer applies."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from catalog import models as m
from importorders.services.keys import dealer_key_issue
from tests.factories import TEST_ACTOR, UserFactory

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def japanese_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ja")
    client.force_login(user)
    return client


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


def headers_of(page: str) -> list[str]:
    """The column headers of an admin change list, as text."""
    start = page.index('id="result_list"')
    table = page[start : page.index("</thead>", start)]
    return [re.sub(r"<[^>]+>|\s+", "", cell) for cell in re.findall(r"<th\b[^>]*>(.*?)</th>", table, re.S)]


@pytest.mark.parametrize("kind", ["dealerapikey", "partnerapikey"])
def test_the_key_screens_speak_japanese(world, kind):
    client = japanese_client(world.users["operations"])
    if kind == "dealerapikey":
        dealer_key_issue(dealer=world.dealer, name="dms", actor=TEST_ACTOR)

    listing = client.get(f"/admin/importorders/{kind}/").content.decode()
    adding = client.get(f"/admin/importorders/{kind}/add/").content.decode()

    headers = [header for header in headers_of(listing) if header]
    assert headers[0] == "キーの名前"
    assert {"プレフィックス", "有効期限", "期限切れ", "失効"} <= set(headers)
    assert all(CJK.search(header) for header in headers), headers
    assert "キーの名前" in adding
    assert "APIキーの自由な名前です。" in adding
    assert "有効期限を過ぎたAPIキーはクライアントから使えなくなります。" in adding
    for english in ("A free-form name", "Expires", "Has expired", ">Name<", ">Revoked<"):
        assert english not in adding + listing


def test_a_published_lists_rows_show_names_beside_codes_and_amounts_with_separators(camry, superuser):
    client = japanese_client(superuser)

    page = client.get(reverse("admin:catalog_pricelist_change", args=[camry.price_list.pk])).content.decode()

    trim_price = m.TrimPrice.objects.get(price_list=camry.price_list)
    assert f"{camry.trim.code} {camry.trim.name_ja}" in page
    assert f"USD {trim_price.fob_usd:,.2f}" in page
    color_price = m.ColorPrice.objects.filter(price_list=camry.price_list).select_related("color").first()
    assert f"{color_price.color.code} {color_price.color.name_ja}" in page
    assert "CAMRY · PORT 手数料PORT" in page  # the fee's Japanese name
    assert "¥45,000" in page
    assert f"{camry.trim.pk} USD" not in page  # the old internal label


def test_a_period_reads_until_its_last_day(camry, superuser):
    m.PriceList.objects.filter(pk=camry.price_list.pk).update(
        effective_from=dt.date(2026, 4, 1), effective_to=dt.date(2026, 10, 1)
    )
    client = japanese_client(superuser)
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(superuser)

    listing = client.get(reverse("admin:catalog_pricelist_changelist")).content.decode()
    change = client.get(
        reverse("admin:catalog_pricelist_change", args=[camry.price_list.pk])
    ).content.decode()
    listing_en = english.get(reverse("admin:catalog_pricelist_changelist")).content.decode()

    assert "2026年9月30日まで" in listing
    assert "2026年4月1日" in listing
    assert "2026年4月1日から2026年9月30日まで" in change
    assert "until 30 Sep 2026" in listing_en
    assert "Oct. 1, 2026" not in listing_en
    camry.price_list.refresh_from_db()
    assert camry.price_list.effective_to == dt.date(2026, 10, 1)  # stored as before: exclusive


def test_the_tax_rules_list_prints_rates_as_percentages(camry, superuser):
    client = japanese_client(superuser)

    listing = client.get(reverse("admin:catalog_taxrule_changelist")).content.decode()

    assert "10%" in listing
    assert "0.1000" not in listing

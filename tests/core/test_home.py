"""Each role's home page shows what it works on; the admin is for staff, and says so to others."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.permissions import world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _page(world, caller: str, path: str = "/", language: str = "en"):  # noqa: F811
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.users[caller])
    return client.get(path)


@pytest.mark.parametrize(
    ("caller", "cards"),
    [
        ("dealer_sales", {"home-catalog-model_list"}),
        ("dealer_manager", {"home-catalog-model_list"}),
        ("operations", {"home-catalog-model_list", "home-admin-index"}),
        ("compliance", {"home-catalog-model_list", "home-admin-index"}),
        ("admin", {"home-catalog-model_list", "home-admin-index"}),
    ],
)
def test_each_role_sees_the_cards_of_its_work(world, caller, cards):  # noqa: F811
    response = _page(world, caller)
    assert response.status_code == 200
    shown = {card["testid"] for card in response.context["cards"]}
    assert cards <= shown
    if "home-admin-index" not in cards:
        assert "home-admin-index" not in shown
        assert 'href="/admin/"' not in response.content.decode()


def test_the_header_links_the_admin_for_staff_only(world):  # noqa: F811
    assert 'data-testid="nav-admin"' in _page(world, "operations").content.decode()
    assert 'data-testid="nav-admin"' not in _page(world, "dealer_manager").content.decode()


def test_the_home_page_is_in_the_readers_language(world):  # noqa: F811
    page = _page(world, "dealer_sales", language="ja").content.decode()
    assert "カタログ" in page
    assert "東京モータース" in page
    assert "Working for" not in page


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/?next=/admin/", "/admin/importorders/dealer/"])
@pytest.mark.parametrize(("language", "heading"), [("ja", "社内担当者専用"), ("en", "Back office only")])
def test_a_dealers_person_opening_the_admin_is_told_it_is_the_importers(world, path, language, heading):  # noqa: F811
    response = _page(world, "dealer_manager", path, language)
    if response.status_code == 302:  # the admin sends non-staff to its login, which answers
        response = _page(world, "dealer_manager", response["Location"], language)
    assert response.status_code == 403
    body = response.content.decode()
    assert heading in body
    assert 'name="password"' not in body  # no login form asking them to sign in again


def test_staff_still_reach_the_admin_and_anonymous_people_its_login(world):  # noqa: F811
    assert _page(world, "operations", "/admin/").status_code == 200
    response = Client().get("/admin/login/")
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()

"""Content negotiation answers as DRF's does, remembered or not (core.api.negotiation)."""

from __future__ import annotations

import pytest

from core.api import negotiation
from tests.permissions import world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

CASES = [
    (None, 200),
    ("*/*", 200),
    ("application/json", 200),
    ("application/json; indent=4", 200),
    ("text/html, application/json;q=0.9", 200),
    ("text/html", 406),
    ("image/png", 406),
]


@pytest.fixture(autouse=True)
def forgotten():
    negotiation.RememberingContentNegotiation._answers.clear()
    yield
    negotiation.RememberingContentNegotiation._answers.clear()


@pytest.mark.parametrize(("accept", "status"), CASES)
def test_the_first_and_the_remembered_answer_agree(world, accept, status):  # noqa: F811
    client = world.client("dealer_key")
    headers = {"Accept": accept} if accept else {}
    for attempt in ("negotiated", "remembered"):
        response = client.get("/api/v1/catalog/models/", headers=headers)
        assert response.status_code == status, (attempt, response.content)
        if status == 200:
            assert response["Content-Type"].startswith("application/json")
        else:
            assert response.json()["error"]["code"] == "not_acceptable"


def test_an_unknown_format_override_is_404_and_never_remembered(world):  # noqa: F811
    client = world.client("dealer_key")
    for _ in range(2):
        assert client.get("/api/v1/catalog/models/?format=xml").status_code == 404
    assert client.get("/api/v1/catalog/models/?format=json").status_code == 200
    assert all(key[1] != "xml" for key in negotiation.RememberingContentNegotiation._answers)


def test_memory_is_bounded_and_long_headers_are_never_kept(world, monkeypatch):  # noqa: F811
    monkeypatch.setattr(negotiation, "MAX_ENTRIES", 3)
    client = world.client("dealer_key")
    for n in range(6):
        assert client.get("/api/v1/me/", headers={"Accept": f"application/json; v={n}"}).status_code == 200
    long_header = "application/json, " + "x/y, " * 100
    assert client.get("/api/v1/me/", headers={"Accept": long_header}).status_code == 200
    answers = negotiation.RememberingContentNegotiation._answers
    assert len(answers) == 3
    assert all(len(key[0]) <= negotiation.MAX_HEADER for key in answers)

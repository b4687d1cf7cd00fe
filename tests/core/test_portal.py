"""core.portal: application errors raised by portal views become pages, the same for every app."""

import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.portal_urls")]


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory())
    return client


def main_of(response) -> str:
    """The page's <main>, without the header (which carries a fresh CSRF token per response)."""
    text = response.content.decode()
    return text[text.index("<main") : text.index("</main>")]


def get(client, kind: str, language: str):
    client.cookies["django_language"] = language
    return client.get(f"/portal-errors/{kind}/")


HEADINGS_JA = {
    400: "入力内容を確認してください",
    403: "この操作は許可されていません",
    409: "現在の状態ではできません",
    422: "このリクエストは処理できません",
}
HEADINGS_EN = {
    400: "Please check your request",
    403: "Your role may not do this",
    409: "Not possible in the current state",
    422: "This request cannot be processed",
}


@pytest.mark.parametrize(
    ("kind", "status", "code", "message"),
    [
        ("validation-failed", 400, "vin_invalid", "Bad VIN."),
        ("permission-denied", 403, "permission_denied", "この操作を行う権限がありません。"),
        ("conflict", 409, "order_confirmed", "Order is already confirmed."),
        ("unprocessable", 422, "unprocessable", "リクエストを処理できませんでした。"),
        ("plain", 400, "invalid", "Something about the input."),
    ],
)
def test_each_error_is_a_page_of_the_site_with_its_status_in_japanese(signed_in, kind, status, code, message):
    response = get(signed_in, kind, "ja")
    heading = HEADINGS_JA[status]

    text = response.content.decode()
    assert response.status_code == status
    assert '<header class="site-header">' in text  # the base template: header, language switch, footer
    assert 'data-testid="lang-en"' in text
    assert f"<title>{heading} · importorders</title>" in text
    assert f'data-status="{status}" data-code="{code}"' in text
    assert f"<h1>{heading}</h1>" in text
    assert f'<p data-testid="error-message">{message}</p>' in text
    assert "Traceback" not in text


@pytest.mark.parametrize(
    ("kind", "status", "message"),
    [
        ("validation-failed", 400, "Bad VIN."),
        ("permission-denied", 403, "You do not have permission to perform this action."),
        ("conflict", 409, "Order is already confirmed."),
        ("unprocessable", 422, "The request could not be processed."),
    ],
)
def test_each_error_page_in_english(signed_in, kind, status, message):
    response = get(signed_in, kind, "en")
    heading = HEADINGS_EN[status]

    text = response.content.decode()
    assert response.status_code == status
    assert '<html lang="en">' in text
    assert f"<h1>{heading}</h1>" in text
    assert f'<p data-testid="error-message">{message}</p>' in text


def test_field_messages_are_listed_and_escaped(signed_in):
    text = get(signed_in, "validation-failed", "en").content.decode()

    assert '<ul data-testid="error-fields"><li>Bad check digit &lt;b&gt;9&lt;/b&gt;.</li></ul>' in text


@pytest.mark.parametrize("language", ["ja", "en"])
def test_not_found_is_the_sites_one_404_page_whatever_its_message(signed_in, language):
    raised = get(signed_in, "not-found", language)
    missing = get(signed_in, "../no-such-page", language)

    assert raised.status_code == missing.status_code == 404
    assert main_of(raised) == main_of(missing)
    assert "TKY-0042" not in raised.content.decode()
    assert ("見つかりません" if language == "ja" else "Not found") in main_of(raised)


def test_not_authenticated_sends_to_the_login_page(client):
    response = client.get("/portal-errors/not-authenticated/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/portal-errors/not-authenticated/"


def test_a_view_that_raises_nothing_is_untouched(signed_in):
    response = get(signed_in, "fine", "ja")

    assert (response.status_code, response.content) == (200, b"fine")

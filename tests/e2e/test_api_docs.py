"""Swagger UI loads from our own static files under the content security policy."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_with_no_console_errors(page, live_server, artifacts_dir):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(f"{live_server.url}/api/docs/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("importorders API")
    expect(page.get_by_text("/api/v1/dealers/", exact=True).first).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "api-docs.png"))
    assert errors == []

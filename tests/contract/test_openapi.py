"""The API answers as its own OpenAPI schema says: no 5xx, documented statuses, matching bodies.

The committed schema (docs/openapi.yaml) must match what the code generates, so that any change to
the public contract shows in review.
"""

from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.management import call_command
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import negative_data_rejection

from config.wsgi import application

pytestmark = pytest.mark.contract

SCHEMA_FILE = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def session_cookie(db, keep_connection_open):
    """A signed-in back-office user's session, sent as a cookie header."""
    from django.test import Client

    from tests.factories import StaffUserFactory

    client = Client()
    client.force_login(StaffUserFactory(username="contract", groups=["operations"]))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@schema.parametrize()
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, session_cookie):
    # DRF coerces some out-of-schema values instead of refusing them; that check is noise here.
    case.call_and_validate(headers={"Cookie": session_cookie}, excluded_checks=[negative_data_rejection])


@schema.parametrize()
@hypothesis_settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_without_credentials_conforms_to_its_schema(case, db, keep_connection_open):
    case.call_and_validate(excluded_checks=[negative_data_rejection])


def test_committed_schema_matches_the_code(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")

    assert SCHEMA_FILE.read_text() == generated.read_text(), (
        "The API contract changed: run `make schema` and commit docs/openapi.yaml"
    )

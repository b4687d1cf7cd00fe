"""Contract tests call the WSGI application in-process with schemathesis."""

import pytest
from django.core import signals
from django.db import close_old_connections


@pytest.fixture
def keep_connection_open():
    """Django closes the test's connection at each request's end; in a test that breaks PostgreSQL."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)

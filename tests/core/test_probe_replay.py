"""A replay of hostile and careless requests against a live server: cheap inputs never answer 500.

Every probe goes over real HTTP (the standard library's http.client, or a raw socket where
http.client refuses to send the bytes) to pytest-django's live server, as the anonymous caller, a
dealer integration key, bad keys, and signed-in people (session cookie and CSRF token). The replay
fails on any 5xx (or no answer at all), on any error under /api/ that is not the JSON envelope
{"error": {"code", "message", "fields"}}, on a probe that names the status it must get and gets
another, and on any probe that changed something.

The lists with cursors, the JSON write endpoints and the portal's pages with a code in their path
are read from the URLconf, so a new endpoint is replayed without being added here (a route with
path parameters needs a sample value in SAMPLE_KWARGS; the replay says so when one is missing).
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.views import APIView

from catalog import models as m
from core.api.pagination import CursorPagination
from importorders.models import (
    Allocation,
    AllocationEntry,
    ChangeRequest,
    Dealer,
    DealerAPIKey,
    Order,
    OrderEvent,
    Supply,
)
from importorders.services.orders import OrderChanges, order_cancel, order_create
from tests.catalog.conftest import camry  # noqa: F401  (the Camry world: a priced catalog, small and quick)
from tests.clock import today
from tests.factories import TEST_ACTOR
from tests.importorders.allocating import quota
from tests.permissions import build_world

pytestmark = pytest.mark.django_db(transaction=True)

CSRF_TOKEN = "k" * 32  # a well-formed CSRF secret: sent as the cookie and as the header
NUL_CURSOR = "cD0A"  # base64 of "p=\x00"
DEEP_JSON = ("[" * 1000 + "]" * 1000).encode()
# A well-formed VIN no vehicle has.
MISSING_VIN = "4T1DAACK6TU999999"
MISSING_VIN_ROUTES = (
    "api:vehicle-compliance",
    "api:vehicle-documents",
    "compliance:vehicle",
    "compliance:upload",
)
MISSING_PK_ROUTES = (
    "api:document-download",
    "api:document-approve",
    "api:document-reject",
    "compliance:download",
    "compliance-office:approve",
    "compliance-office:reject",
    "office:exception_resolve",
    "api:webhook-endpoint-detail",
    "api:webhook-endpoint-rotate",
    "api:webhook-endpoint-test",
    "api:webhook-endpoint-replay",
    "api:webhook-endpoint-deliveries",
    "api:webhook-delivery-detail",
    "api:webhook-delivery-replay",
)
MISSING_QUOTE_ROUTES = ("api:quote-detail", "quotes:detail", "quotes:print_estimate", "quotes:print_internal")
# Writes addressed to a missing object: every caller's answer is the same 404, whatever the body.
MISSING_TARGET_WRITES = {
    "api:vehicle-documents",
    "api:document-approve",
    "api:document-reject",
    "api:webhook-endpoint-detail",
    "api:webhook-endpoint-rotate",
    "api:webhook-endpoint-test",
    "api:webhook-endpoint-replay",
    "api:webhook-delivery-replay",
}
# Path parameters of the routes that have them (url name -> kwargs): codes of the Camry and test worlds.
SAMPLE_KWARGS = {
    "api:catalog-model-detail": {"code": "CAMRY"},
    "api:catalog-trim-detail": {"id": "CAMRY-26-XSE"},
    "api:dealer-detail": {"code": "TKY001"},
    "api:vehicle-detail": {"vin": "4T1DAACK6TU123456"},
    "catalog:model_detail": {"code": "CAMRY"},
    "catalog:configure": {"code": "CAMRY-26-XSE"},
    "catalog:configure_check": {"code": "CAMRY-26-XSE"},
    "catalog:quote": {"code": "CAMRY-26-XSE"},
    # Nobody's notification (the probes' answers are the missing one's, or a key's 403).
    "api:notification-read": {"pk": 987654321},
    "notifications:read": {"pk": 987654321},
    # Partner keys only (refused before the shipment is looked up): nobody's shipment.
    "api:partner-shipment-documents": {"reference": "NO-SUCH-SHIPMENT"},
    # Sandbox keys only (the replay has no partner caller): refused before the scenario is read.
    "api:partner-sandbox-scenario": {"name": "damaged"},
    # Nobody's vehicle, document, exception or saved quote: the missing one's answer (404) for
    # every caller, whatever the role (the write order: 404 before 403 before 400).
    **{name: {"vin": MISSING_VIN} for name in MISSING_VIN_ROUTES},
    **{name: {"pk": 987654321} for name in MISSING_PK_ROUTES},
    **{name: {"number": "Q-XXXX-XXXX"} for name in MISSING_QUOTE_ROUTES},
    # Nobody's allocation or supply: the missing one's page (404) or the role's refusal.
    **{
        f"allocation:{name}": {"pk": 987654321}
        for name in ("accept", "decline", "override", "propose", "publish")
    },
}
# The replay's allocation month (published, its deadline passed: every answer is refused).
ALLOCATION_ROUTES = tuple(
    f"api:allocation-{name}" for name in ("ledger", "accept", "decline", "request", "publish", "override")
)
# Query parameters the portal's pages read, each given a NUL.
PORTAL_PARAMETERS = ("color", "options", "trims", "next", "q")
SESSION_CALLERS = ("sales", "operations")
JSON_BODIES = {
    "api:catalog-quote": {"trim": "CAMRY-26-XSE", "color": "089", "options": []},
    # The dealer's own name: a write that is let through changes nothing (an exact repeat).
    "api:dealer-detail": {"name_en": "Tokyo Motors"},
    # No trim: never a valid order, so nothing is created.
    "api:order-list": {"kind": "stock", "notes": ""},
    "api:order-detail": {"notes": ""},
    "api:order-cancel": {"reason": "probe"},
    "api:order-reject": {"reason": "probe"},
    "api:order-schedule": {"week": "2030-01-07"},
    # The replay's month is published and past its deadline: answers 409, overrides 400.
    "api:allocation-accept": {"units": 1},
    "api:allocation-decline": {"units": 1, "reason": "probe"},
    "api:allocation-request": {"units": 1, "reason": "probe"},
    "api:allocation-publish": {"deadline": "2030-01-07"},
    "api:allocation-override": {"changes": [], "reason": "probe"},
    # The replay's order is cancelled: a request is refused (409); its request is already refused.
    "api:order-change-request-list": {"reason": "probe"},
    "api:order-change-request-refuse": {"reason": "probe"},
    # The replay's order is cancelled: refused (409), nothing assigned.
    "api:order-assign-vin": {"vin": "4T1DAACK6TU123456"},
    # Not an http(s) URL: refused (400), nothing registered.
    "api:webhook-endpoint-list": {"url": "ftp://probe.invalid/", "event_types": ["webhook.test"]},
    "api:webhook-endpoint-detail": {"description": "probe"},
    "api:webhook-endpoint-replay": {"since": "2030-01-07T00:00:00Z", "until": "2030-01-08T00:00:00Z"},
}


@dataclass(frozen=True)
class Probe:
    """One request: method, target (path and query, as sent), headers, body; `expect` when it is known."""

    name: str
    method: str
    target: str
    caller: str = "anonymous"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    expect: int | None = None
    raw: bool = False  # send through a socket: http.client refuses control characters in the target


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


# --- the routes, from the URLconf ----------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespaced url name
    callback: object
    has_kwargs: bool

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None)

    @property
    def actions(self) -> dict[str, str]:
        return getattr(self.callback, "actions", None) or {}

    def url(self, placeholder: str | None = None) -> str:
        if not self.has_kwargs:
            return reverse(self.name)
        if self.name not in SAMPLE_KWARGS:
            pytest.fail(f"{self.name} has path parameters: give it a sample in SAMPLE_KWARGS", pytrace=False)
        kwargs = SAMPLE_KWARGS[self.name]
        url = reverse(self.name, kwargs=kwargs)
        if placeholder is not None:
            for value in kwargs.values():
                url = url.replace(f"/{value}/", f"/{placeholder}/")
        return url


def routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if inner == "admin":
                    continue  # Django's own; probed through a few URLs below
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                has_kwargs = bool(pattern.pattern.regex.groupindex)
                found.append(Route(name, pattern.callback, has_kwargs))

    walk(get_resolver().url_patterns, None)
    return found


def cursor_lists(all_routes: list[Route]) -> list[str]:
    """Every API list that pages with our cursor pagination."""
    return [
        route.url()
        for route in all_routes
        if route.view_class is not None
        and route.actions.get("get") == "list"
        and isinstance(route.view_class.pagination_class, type)
        and issubclass(route.view_class.pagination_class, CursorPagination)
    ]


def json_writes(all_routes: list[Route]) -> list[tuple[str, str, str]]:
    """(method, url, name) of every API route that takes a body: POST, PUT, PATCH."""
    writes = []
    for route in all_routes:
        cls = route.view_class
        if cls is None or not issubclass(cls, APIView):
            continue
        if route.actions:
            methods = [method for method in route.actions if method in {"post", "put", "patch"}]
        else:
            methods = [method for method in ("post", "put", "patch") if hasattr(cls, method)]
        writes.extend((method.upper(), route.url(), route.name) for method in methods)
    return writes


def portal_pages(all_routes: list[Route]) -> list[Route]:
    """Every route outside /api/: the portal's pages, login, the language switch, the health probes."""
    return [route for route in all_routes if not route.url().startswith("/api/")]


# --- sending -------------------------------------------------------------------------------------


def send(port: int, probe: Probe, credentials: dict[str, str]) -> Answer:
    headers = {"Host": f"localhost:{port}", "Accept-Language": "en", **credentials, **probe.headers}
    if probe.body is not None:
        headers["Content-Length"] = str(len(probe.body))
    if probe.raw:
        return _send_raw(port, probe, headers)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.putrequest(probe.method, probe.target, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value.encode("latin-1"))
        conn.endheaders(probe.body)
        response = conn.getresponse()
        return Answer(response.status, response.getheader("Content-Type", ""), response.read())
    except (OSError, http.client.HTTPException) as exc:
        return Answer(0, "", repr(exc).encode())
    finally:
        conn.close()


def _send_raw(port: int, probe: Probe, headers: dict[str, str]) -> Answer:
    head = f"{probe.method} {probe.target} HTTP/1.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items()
    )
    request = (head + "Connection: close\r\n\r\n").encode("latin-1") + (probe.body or b"")
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.startswith(b"HTTP/"):
        return Answer(0, "", raw[:200])
    head_bytes, _, body = raw.partition(b"\r\n\r\n")
    lines = head_bytes.decode("latin-1").split("\r\n")
    content_type = next(
        (line.split(":", 1)[1].strip() for line in lines[1:] if line.lower().startswith("content-type:")), ""
    )
    return Answer(int(lines[0].split()[1]), content_type, body)


def is_envelope(answer: Answer, method: str) -> bool:
    if answer.content_type.split(";")[0].strip() != "application/json":
        return False
    if method == "HEAD":
        return True
    try:
        body = json.loads(answer.body)
    except ValueError:
        return False
    error = body.get("error") if isinstance(body, dict) and set(body) == {"error"} else None
    return (
        isinstance(error, dict)
        and {"code", "message", "fields"} <= set(error) <= {"code", "message", "fields", "details"}
        and isinstance(error["code"], str)
        and isinstance(error["message"], str)
        and isinstance(error["fields"], dict)
    )


def problem_of(probe: Probe, answer: Answer) -> str | None:
    if answer.status == 0:
        return f"no answer: {answer.body[:200]!r}"
    if answer.status >= 500:
        return f"{answer.status}"
    if probe.expect is not None and answer.status != probe.expect:
        return f"{answer.status}, expected {probe.expect}"
    under_api = probe.target.startswith("/api/")
    if under_api and answer.status >= 400 and not is_envelope(answer, probe.method):
        kind = answer.content_type or "no content type"
        return f"{answer.status} {kind}, not the envelope: {answer.body[:120]!r}"
    return None


# --- the probes ----------------------------------------------------------------------------------


JSON = {"Content-Type": "application/json"}
# Who may write through each JSON endpoint; the others are refused before the body is read.
DEALER_WRITERS = {"dealer_key", "sales"}
WRITERS = {
    "api:dealer-detail": {"operations"},
    "api:order-list": DEALER_WRITERS,
    "api:order-detail": DEALER_WRITERS,
    "api:order-submit": DEALER_WRITERS,
    "api:order-cancel": DEALER_WRITERS,
    "api:order-confirm": {"operations"},
    "api:order-reject": {"operations"},
    "api:order-schedule": {"operations"},
    # People only: a key is refused (403) before any body is read.
    "api:notification-read": {"sales", "operations"},
    "api:notification-read-all": {"sales", "operations"},
    "api:notification-preferences": {"sales", "operations"},
    "api:order-watch": {"sales", "operations"},
    "api:order-change-request-list": DEALER_WRITERS,
    "api:order-change-request-approve": {"operations"},
    "api:order-change-request-refuse": {"operations"},
    "api:order-change-request-withdraw": DEALER_WRITERS,
    "api:order-assign-vin": {"operations"},
    "api:order-assign-vins": {"operations"},
    # Partner keys only (the replay has no partner caller): everyone here is refused before the body.
    "api:partner-events": set(),
    "api:partner-shipment-documents": set(),
    "api:partner-sandbox-scenario": set(),
    # A saved quote is a dealer's: the back office reads them and saves none.
    "api:quote-list": DEALER_WRITERS,
    # A dealer's managers and keys register endpoints (the replay's sales person is refused: 403).
    "api:webhook-endpoint-list": {"dealer_key"},
    "api:allocation-accept": DEALER_WRITERS,
    "api:allocation-decline": DEALER_WRITERS,
    "api:allocation-request": DEALER_WRITERS,
    "api:allocation-publish": {"operations"},
    "api:allocation-override": {"operations"},
}
# Lists only partner keys read: the replay's callers are refused (403) before the cursor is read
# (a NUL in the query string itself is refused by the middleware first: 400 for everyone).
PARTNER_ONLY_LISTS = {"/api/v1/partner/shipments/"}
# Endpoints that read a multipart file only: a JSON body is the wrong media type (415) whatever it holds.
MULTIPART_ONLY = {"api:order-assign-vins"}
# Moves that take no body: whatever body is sent, the move is judged (here: 409, the probes' order
# is cancelled), so no 400 is expected of them.
BODYLESS = {
    "api:order-submit",
    "api:order-confirm",
    "api:notification-read",
    "api:notification-read-all",
    "api:order-watch",
    "api:order-change-request-approve",
    "api:order-change-request-withdraw",
}
# Routes addressed by the replay world's order (cancelled: every move is refused or an exact repeat).
ORDER_ROUTES = (
    "api:order-detail",
    "api:order-submit",
    "api:order-cancel",
    "api:order-confirm",
    "api:order-reject",
    "api:order-schedule",
    "api:order-events",
    "api:order-watch",
    "orders:watch",
    "orders:unwatch",
    "api:order-change-request-list",
    "orders:change_request",
    # The portal's order pages (the replay's order is cancelled: every move is refused).
    "orders:detail",
    "orders:amend",
    "orders:submit",
    "orders:cancel",
    "office:confirm",
    "office:reject",
    "office:schedule_one",
    "api:order-assign-vin",
)
# Routes addressed by the replay world's change request (refused: every decision is refused or a repeat).
CHANGE_REQUEST_ROUTES = (
    "api:order-change-request-detail",
    "api:order-change-request-approve",
    "api:order-change-request-refuse",
    "api:order-change-request-withdraw",
)


def probes(all_routes: list[Route]) -> list[Probe]:
    listed: list[Probe] = []
    add = listed.append
    authenticated = ("dealer_key", *SESSION_CALLERS)

    # NUL in the cursor of every cursor-paged list, for every kind of caller.
    lists = cursor_lists(all_routes)
    for url in lists:
        add(Probe(f"nul cursor {url}", "GET", f"{url}?cursor={NUL_CURSOR}", "anonymous", expect=401))
        for caller in authenticated:
            expect = 403 if url in PARTNER_ONLY_LISTS else 400
            add(Probe(f"nul cursor {url}", "GET", f"{url}?cursor={NUL_CURSOR}", caller, expect=expect))
        for caller in ("dealer_key", "operations"):
            add(Probe(f"garbage cursor {url}", "GET", f"{url}?cursor=%%%", caller))
            add(Probe(f"page size {url}", "GET", f"{url}?page_size=abc", caller))
            add(Probe(f"negative page size {url}", "GET", f"{url}?page_size=-5", caller))
            add(Probe(f"huge page size {url}", "GET", f"{url}?page_size=99999999999999999999999", caller))
            add(Probe(f"nul page size {url}", "GET", f"{url}?page_size=%00", caller, expect=400))
            add(Probe(f"unknown filter {url}", "GET", f"{url}?no_such_filter=%FF%FE", caller))
            add(Probe(f"long query {url}", "GET", f"{url}?maker={'A' * 3900}", caller))
            add(Probe(f"many fields {url}", "GET", f"{url}?{'a=1&' * 900}", caller))
            add(Probe(f"too many fields {url}", "GET", f"{url}?{'a&' * 1500}", caller))

    # Bad filter values on the lists that have those filters.
    for query in (
        "recognition_status=bogus",
        "body_type=%00",
        "maker=%00",
        "model_year=abc",
        "model_year=-1",
        "model_year=1e400",
        "powertrain=%FF",
        "drive=AWD%00",
        "prefecture=99",
        "active=maybe",
        "active=%00",
    ):
        for url in lists:
            add(Probe(f"filter {query} {url}", "GET", f"{url}?{query}", "dealer_key"))
            add(Probe(f"filter {query} {url}", "GET", f"{url}?{query}", "operations"))

    # NUL and other bad codes in API paths.
    for target in (
        "/api/v1/catalog/models/%00/",
        "/api/v1/catalog/trims/%00/",
        "/api/v1/dealers/%00/",
        "/api/v1/catalog/trims/CAMRY%00/",
        "/api/v1/catalog/models/%FF/",
        "/api/v1/catalog/models/" + "A" * 3000 + "/",
    ):
        for caller in ("anonymous", *authenticated):
            add(Probe(f"bad api path {target[:40]}", "GET", target, caller))

    # NUL in portal path codes and in the query strings the pages read.
    pages = portal_pages(all_routes)
    for route in pages:
        for caller in ("anonymous", *SESSION_CALLERS):
            if route.has_kwargs:
                for method in ("GET", "POST"):
                    add(Probe(f"nul code {route.name}", method, route.url("%00"), caller, expect=400))
                    add(Probe(f"bad code {route.name}", method, route.url("%FF%FE"), caller))
                    add(Probe(f"long code {route.name}", method, route.url("C" * 2000), caller))
            for parameter in PORTAL_PARAMETERS if caller == "sales" else PORTAL_PARAMETERS[:1]:
                add(
                    Probe(
                        f"nul {parameter} {route.name}",
                        "GET",
                        f"{route.url()}?{parameter}=%00&{parameter}=CAMRY-26-XSE",
                        caller,
                        expect=400,
                    )
                )
            add(
                Probe(
                    f"literal nul {route.name}",
                    "GET",
                    f"{route.url()}?color=\x00",
                    caller,
                    expect=400,
                    raw=True,
                )
            )
    for caller in ("anonymous", "admin"):
        add(Probe("nul admin search", "GET", "/admin/catalog/trim/?q=%00", caller, expect=400))
        add(Probe("nul admin path", "GET", "/admin/catalog/trim/%00/change/", caller, expect=400))

    # NUL in posted form fields of the portal's forms: refused with 400, nothing written.
    check = next(route for route in pages if route.name == "catalog:configure_check")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for body in (
        b"color=%00",
        b"color=089&options=%00",
        b"color=089&options=OPT%00X",
        b"options=%00&options=%00",
    ):
        for htmx in ({}, {"HX-Request": "true"}):
            for caller in SESSION_CALLERS:
                add(Probe("nul form field", "POST", check.url(), caller, {**form, **htmx}, body, expect=400))
    add(Probe("nul login", "POST", "/login/", "anonymous", form, b"username=%00&password=%00"))

    # JSON: nested a thousand levels, malformed, wrong type, NUL in strings, on every write endpoint.
    for method, url, name in json_writes(all_routes):
        good = json.dumps(JSON_BODIES.get(name, {})).encode()
        # The API reads a form body too: its fields refuse a NUL, after the write order's 404 and 403.
        nul_form = "&".join(f"{key}=%00" for key in JSON_BODIES.get(name, {"x": ""})).encode()
        for caller in authenticated:
            j = JSON
            if caller not in WRITERS.get(name, {caller}) and name not in MISSING_TARGET_WRITES:
                # A role that may not write here is refused (403) before the body is read; except
                # that the session's CSRF check reads a POST's body (DRF parses it for request.POST),
                # so a body that cannot be parsed is a 400 first, saying nothing about the order.
                unreadable = None if (method == "POST" and caller in SESSION_CALLERS) else 403
                add(Probe(f"deep json {name}", method, url, caller, j, DEEP_JSON, expect=unreadable))
                add(Probe(f"malformed json {name}", method, url, caller, j, b'{"trim": ', expect=unreadable))
                add(Probe(f"nul form body {name}", method, url, caller, form, nul_form, expect=403))
                continue
            bad = (
                None
                if name in BODYLESS or name in MISSING_TARGET_WRITES
                else 415
                if name in MULTIPART_ONLY
                else 400
            )
            add(Probe(f"nul form body {name}", method, url, caller, form, nul_form, expect=bad and 400))
            add(Probe(f"deep json {name}", method, url, caller, j, DEEP_JSON, expect=bad))
            add(Probe(f"deep object {name}", method, url, caller, j, b'{"a":' * 1000 + b"1" + b"}" * 1000))
            add(Probe(f"malformed json {name}", method, url, caller, j, b'{"trim": ', expect=bad))
            add(Probe(f"not utf-8 json {name}", method, url, caller, j, b'{"trim": "\xff"}', expect=bad))
            add(Probe(f"json null {name}", method, url, caller, j, b"null"))
            add(Probe(f"json list {name}", method, url, caller, j, b"[1, 2]"))
            add(Probe(f"json number {name}", method, url, caller, j, b"1e999999"))
            nul = json.dumps({key: "\x00" for key in JSON_BODIES.get(name, {"x": ""})}).encode()
            add(Probe(f"nul json strings {name}", method, url, caller, j, nul, expect=bad))
            add(Probe(f"nul json key {name}", method, url, caller, j, b'{"\\u0000": "\\u0000"}'))
            for label, content_type, body, expect in (
                ("text/plain", "text/plain", good, 415),
                ("xml", "application/xml", b"<a/>", 415),
                ("no boundary", "multipart/form-data", good, None),
                ("unknown charset", "application/json; charset=x", good, None),
                ("utf-16", "application/json; charset=utf-16", b'{"trim": "\xd8\x00"}', None),
            ):
                add(
                    Probe(
                        f"{label} {name}",
                        method,
                        url,
                        caller,
                        {"Content-Type": content_type},
                        body,
                        None if name in BODYLESS or name in MISSING_TARGET_WRITES else expect,
                    )
                )
            add(Probe(f"no content type {name}", method, url, caller, {}, good))
            big = b'{"trim": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'
            add(
                Probe(
                    f"too large {name}",
                    method,
                    url,
                    caller,
                    j,
                    big,
                    expect=bad if bad in (None, 415) else 413,
                )
            )
        add(Probe(f"anonymous deep json {name}", method, url, "anonymous", JSON, DEEP_JSON))

    # Credentials: wrong, malformed, revoked, expired; NUL and oversized keys.
    for name, value in (
        ("bad key", "Api-Key {bad_key}"),
        ("revoked key", "Api-Key {revoked_key}"),
        ("expired key", "Api-Key {expired_key}"),
        ("empty key", "Api-Key "),
        ("no dot", "Api-Key dAAAAAAAAAAAAAAAAAAAA"),
        ("short prefix", "Api-Key d.secret"),
        ("nul prefix", "Api-Key d\x00AAAAAA.secret"),
        ("nul secret", "Api-Key {prefix}.\x00"),
        ("non-ascii prefix", "Api-Key dÄÄÄÄÄÄÄ.secret"),
        ("percent prefix", "Api-Key d%00AAAAA.secret"),
        ("huge key", "Api-Key d" + "A" * 3000),
        ("other scheme", "Bearer abc"),
        ("basic", "Basic Og=="),
    ):
        for target in ("/api/v1/me/", *lists):
            add(Probe(f"{name} {target}", "GET", target, f"authorization:{value}", expect=401))

    # Host headers the server does not serve: the envelope under /api/, the 400 page elsewhere.
    for host in ("bad host!", "evil.example\x00.com", "[::1", "a/b", ""):
        add(Probe(f"host {host!r}", "GET", "/api/v1/me/", "dealer_key", {"Host": host}, expect=400))
        add(Probe(f"host {host!r}", "GET", "/catalog/", "sales", {"Host": host}, expect=400))
        add(Probe(f"host {host!r}", "GET", lists[0], "anonymous", {"Host": host}, expect=400))

    # Methods nobody supports, and methods a route does not.
    for method in ("FOO", "PROPFIND", "TRACE", "DELETE", "PUT", "CONNECT"):
        for target in ("/api/v1/me/", "/api/v1/catalog/quote/", "/api/v1/dealers/TKY001/", "/catalog/"):
            for caller in ("anonymous", "dealer_key", "operations"):
                add(Probe(f"method {method} {target}", method, target, caller, JSON, b"{}"))
    for target in ("/api/v1/me/", "/catalog/", "/healthz"):
        add(Probe(f"head {target}", "HEAD", target, "dealer_key"))
        add(Probe(f"options {target}", "OPTIONS", target, "dealer_key"))

    # Paths that try to climb out, or that are not valid in any encoding.
    for target in (
        "/api/v1/../../etc/passwd",
        "/api/v1/catalog/trims/..%2f..%2f..%2fetc%2fpasswd/",
        "/api/v1/%2e%2e/%2e%2e/manage.py",
        "/catalog/models/..%2F..%2F/",
        "/catalog/models/%2e%2e/",
        "//etc/passwd",
        "/%C0%AE%C0%AE/",
        "/api/v1/catalog/trims/%C0%AF/",
        "/admin/%00/",
    ):
        for caller in ("anonymous", "dealer_key", "sales"):
            add(Probe(f"path {target}", "GET", target, caller))

    # Cookies a browser never sends: a NUL (a quoted cookie's octal escape) in the session and CSRF cookies.
    session, csrf = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME
    for cookie in (
        f'{session}="\\000aaaaaaaaaaaaaaa"',
        f"{session}=%00",
        f'{csrf}="\\000"',
        f"{session}={'a' * 4000}",
    ):
        for target in ("/catalog/", "/api/v1/me/", "/"):
            add(Probe(f"cookie {cookie[:24]} {target}", "GET", target, "anonymous", {"Cookie": cookie}))
    return listed


# --- the replay ----------------------------------------------------------------------------------


@pytest.fixture
def quiet_server_logs():
    """The live server logs every 4xx (and a traceback for each bad Host): keep only 500s."""
    loggers = {name: logging.getLogger(name) for name in ("django.request", "django.security")}
    levels = {name: logger.level for name, logger in loggers.items()}
    loggers["django.request"].setLevel(logging.ERROR)
    loggers["django.security"].setLevel(logging.CRITICAL)
    yield
    for name, logger in loggers.items():
        logger.setLevel(levels[name])


@pytest.fixture
def replay_world(settings, quiet_server_logs, camry, monkeypatch):  # noqa: F811
    # The replay measures answers, not budgets: throttles far above what it sends.
    settings.API_THROTTLE_RATES = {kind: "100000/minute" for kind in settings.API_THROTTLE_RATES}
    settings.API_BAD_KEY_LIMIT = (100_000, 300)
    world = build_world()
    order = order_create(
        dealer=world.dealer,
        actor=TEST_ACTOR,
        changes=OrderChanges(
            kind="stock", trim=camry.trim, color_code="089", requested_month=today().replace(day=1)
        ),
    )
    order_cancel(order=order, actor=TEST_ACTOR, reason="the replay's order")
    for name in ORDER_ROUTES:
        monkeypatch.setitem(SAMPLE_KWARGS, name, {"reference": order.reference})
    change = ChangeRequest.objects.create(
        order=order,
        status=ChangeRequest.Status.REFUSED,
        color_before=order.color,
        color_after=order.color,
        reason="probe",
        decision_reason="the replay's request",
        price_after_total_jpy=0,
        priced_on=today(),
        requested_by_kind="system",
        requested_by_ref="test-suite",
        requested_by_label="test-suite",
    )
    for name in CHANGE_REQUEST_ROUTES:
        monkeypatch.setitem(SAMPLE_KWARGS, name, {"reference": order.reference, "id": change.pk})
    monkeypatch.setitem(
        SAMPLE_KWARGS, "orders:change_request_withdraw", {"reference": order.reference, "pk": change.pk}
    )
    for name in ("office:change_request_approve", "office:change_request_refuse"):
        monkeypatch.setitem(SAMPLE_KWARGS, name, {"pk": change.pk})
    month = today().replace(day=1)
    quota(dealer=world.dealer, vehicle_model=camry.model, month=month)
    Supply.objects.filter(vehicle_model=camry.model, month=month).update(deadline=today() - timedelta(days=1))
    for name in ALLOCATION_ROUTES:
        monkeypatch.setitem(
            SAMPLE_KWARGS, name, {"model": camry.model.code, "month": month.strftime("%Y-%m")}
        )
    credentials: dict[str, dict[str, str]] = {
        "anonymous": {},
        "dealer_key": {"Authorization": f"Api-Key {world.keys['dealer_key']}"},
    }
    for caller, username in (("sales", "dealer_sales"), ("operations", "operations"), ("admin", "admin")):
        client = Client()
        client.force_login(world.users[username])
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        credentials[caller] = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={CSRF_TOKEN}",
            "X-CSRFToken": CSRF_TOKEN,
        }
    return world, credentials


def credentials_for(probe: Probe, world, credentials) -> dict[str, str]:
    if probe.caller.startswith("authorization:"):
        prefix = world.keys["dealer_key"].split(".")[0]
        value = probe.caller.removeprefix("authorization:").format(prefix=prefix, **world.keys)
        return {"Authorization": value}
    return credentials[probe.caller]


def snapshot():
    return (
        list(Dealer.objects.order_by("pk").values()),
        list(DealerAPIKey.objects.order_by("pk").values("prefix", "revoked", "name")),
        list(m.Trim.objects.order_by("pk").values()),
        list(m.PriceList.objects.order_by("pk").values()),
        m.FxRate.objects.count(),
        Dealer.history.count(),
        list(Order.objects.order_by("pk").values()),
        list(Allocation.objects.order_by("pk").values()),
        AllocationEntry.objects.count(),
        list(Supply.objects.order_by("pk").values()),
        OrderEvent.objects.count(),
        list(ChangeRequest.objects.order_by("pk").values()),
    )


def test_replayed_probes_never_answer_5xx_and_the_api_always_answers_its_envelope(live_server, replay_world):
    world, credentials = replay_world
    port = int(live_server.url.rsplit(":", 1)[1])
    all_routes = routes()
    assert {"/api/v1/catalog/models/", "/api/v1/catalog/trims/", "/api/v1/dealers/"} <= set(
        cursor_lists(all_routes)
    ), "the URLconf walk lost the cursor-paged lists"
    assert {("POST", "api:catalog-quote"), ("PATCH", "api:dealer-detail")} <= {
        (method, name) for method, _, name in json_writes(all_routes)
    }, "the URLconf walk lost the JSON write endpoints"
    listed = probes(all_routes)
    before = snapshot()

    statuses: Counter[int] = Counter()
    problems = []
    for probe in listed:
        answer = send(port, probe, credentials_for(probe, world, credentials))
        statuses[answer.status] += 1
        problem = problem_of(probe, answer)
        if problem:
            problems.append(
                f"{probe.caller[:12]:<12} {probe.method} {probe.target[:80]!r} ({probe.name[:60]}): {problem}"
            )

    summary = f"probe replay: {len(listed)} probes, statuses " + ", ".join(
        f"{status}: {count}" for status, count in sorted(statuses.items())
    )
    print(summary, *problems, sep="\n")
    assert not problems, f"{len(problems)} probes failed (listed above); {summary}"
    assert snapshot() == before, "a probe changed something"

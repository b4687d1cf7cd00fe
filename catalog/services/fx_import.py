"""USD/JPY rates that arrive by themselves: fetched daily from a bank's published table, or imported
from a file in the admin to back-fill; a rate that looks wrong is refused or held back, never written.

Sources (settings, docs/operations.md "FX rates"): FX_SOURCE_URL answers in FX_SOURCE_FORMAT, one of
FORMATS: `bank_csv`, the CSV table a Japanese bank publishes of its day's rates (a title line with
the date, then a header naming TTS / TTB / TTM columns and one row per currency; UTF-8 or
Shift_JIS; dates as 2026/12/01 or 2026年12月1日), of which the USD row's TTM is taken; or `json`,
`{"date": "2026-12-01", "base": "USD", "rates": {"JPY": 155.23}}`.

What is refused (FxSourceUnavailable / FxSourceInvalid, nothing written): an answer that is not 200,
a timeout, an HTML page where CSV or JSON was promised, a body that does not parse, no USD row, a
rate that is not a number or lies outside FX_SANE_RATE_MIN..FX_SANE_RATE_MAX, a date after the day
fetched for. What is held back for operations (an FxRateConflict, the rate not written): a rate for
a date already recorded that differs from it, and a rate more than FX_MAX_DAILY_CHANGE_PERCENT away
from the previous recorded rate. Operations accept or dismiss a held-back rate in the admin
(`fx_conflict_accept`, `fx_conflict_dismiss`). The same rate fetched twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
import socket
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.errors import FxImportInvalid, FxSourceInvalid, FxSourceUnavailable
from catalog.locks import fx_conflict_lock, fx_rate_lock
from catalog.models import FxRate, FxRateConflict, FxRateConflictKind, FxRateConflictStatus
from catalog.versioning import catalog_changed
from core import clock
from core.actors import Actor
from core.errors import Conflict, Unprocessable
from core.history import history_actor_set

logger = logging.getLogger(__name__)

BASE, QUOTE = "USD", "JPY"
_RATE_PLACES = Decimal("0.0001")
MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 10_000


# --- What a source says ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FxObservation:
    """One USD/JPY rate a source published for a date; `line` is where a file said it (1-based)."""

    rate_date: dt.date
    rate: Decimal
    line: int | None = None


class _BadLine(ValueError):
    """A line of a file that cannot be read; the message names what is wrong."""


_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?P<y>\d{4})[/.\-](?P<m>\d{1,2})[/.\-](?P<d>\d{1,2})"),
)


def parse_japanese_date(text: str) -> dt.date | None:
    """The first date in `text` written as 2026/12/01, 2026-12-01, 2026.12.01 or 2026年12月1日."""
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if match:
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


def parse_rate(text: str) -> Decimal:
    """A rate as published ("155.23", "155.2300", in full-width digits too), checked against the sane band."""
    cleaned = _normalise(text).replace(",", "")
    try:
        rate = Decimal(cleaned)
    except InvalidOperation:
        raise _BadLine(_("%(value)s is not a number.") % {"value": text.strip() or '""'}) from None
    if not rate.is_finite():
        raise _BadLine(_("%(value)s is not a number.") % {"value": text.strip()})
    minimum, maximum = settings.FX_SANE_RATE_MIN, settings.FX_SANE_RATE_MAX
    if not minimum <= rate <= maximum:
        raise _BadLine(
            _("%(rate)s yen to the dollar is outside the sane range %(minimum)s to %(maximum)s.")
            % {"rate": cleaned, "minimum": minimum, "maximum": maximum}
        )
    return rate.quantize(_RATE_PLACES, rounding=ROUND_HALF_UP)


def _normalise(text: str) -> str:
    """Full-width digits, signs and brackets (common in Japanese files) as ASCII (NFKC); stripped."""
    return unicodedata.normalize("NFKC", text).strip()


def decode_text(raw: bytes) -> str:
    """A file's text: UTF-8 (with or without a BOM), else Shift_JIS (cp932); neither is refused."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp932")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise Unprocessable(
            code="file_not_text",
            fields={
                "file": [_("The file is neither UTF-8 nor Shift_JIS text.")],
                _("row %(line)s") % {"line": line}: [_("This line is neither UTF-8 nor Shift_JIS text.")],
            },
        ) from exc


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(line, cells) of each CSV record; a record that cannot be read names its line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return records
        except csv.Error as exc:
            raise FxImportInvalid(
                fields={
                    _("row %(line)s") % {"line": start}: [
                        _('This line is not valid CSV: check its quotes (").')
                    ]
                }
            ) from exc
        records.append((start, [_normalise(cell) for cell in cells]))
        start = reader.line_num + 1


@dataclass(frozen=True)
class ParsedFile:
    """What a file holds: its USD/JPY rates, and a message for every line that could not be read."""

    observations: tuple[FxObservation, ...]
    errors: dict[int | str, list[str]]


def _header_index(cells: list[str], names: list[str]) -> int | None:
    wanted = [name.casefold() for name in names]
    for index, cell in enumerate(cells):
        label = cell.casefold()
        if label in wanted or any(label.startswith(name) or f"({name})" in label for name in wanted):
            return index
    return None


def parse_bank_csv(text: str) -> ParsedFile:
    """A bank's rate table: lines above the header may carry the date; the USD row's TTM is the rate.

    The header is the first line with both a currency-code column and a rate column
    (FX_BANK_CSV_CURRENCY_COLUMNS, FX_BANK_CSV_RATE_COLUMNS). With a date column (日付, 公示日,
    Date) each row carries its own date (a bank's history file); without one, the date is the
    first date found above the header (the daily table's title line). A "単位" (unit) column other
    than 1 divides the rate. Rows of other currencies are skipped.
    """
    records = _records(text)
    errors: dict[int | str, list[str]] = {}
    header_at = None
    for position, (_line, cells) in enumerate(records):
        currency_col = _header_index(cells, settings.FX_BANK_CSV_CURRENCY_COLUMNS)
        rate_col = _header_index(cells, settings.FX_BANK_CSV_RATE_COLUMNS)
        if currency_col is not None and rate_col is not None:
            header_at = position
            break
    if header_at is None:
        raise FxSourceInvalid(
            fields={
                "file": [
                    _("No header line naming a currency column (%(currency)s) and a rate column (%(rate)s).")
                    % {
                        "currency": " / ".join(settings.FX_BANK_CSV_CURRENCY_COLUMNS),
                        "rate": " / ".join(settings.FX_BANK_CSV_RATE_COLUMNS),
                    }
                ]
            }
        )
    header = records[header_at][1]
    date_col = _header_index(header, ["日付", "公示日", "date"])
    unit_col = _header_index(header, ["単位", "unit"])
    title_date = None
    for _line, cells in records[:header_at]:
        title_date = parse_japanese_date(" ".join(cells))
        if title_date:
            break
    if date_col is None and title_date is None:
        raise FxSourceInvalid(fields={"file": [_("No date above the header and no date column.")]})

    observations: list[FxObservation] = []
    for line, cells in records[header_at + 1 :]:
        if not any(cells):
            continue
        if len(cells) <= max(currency_col, rate_col, date_col or 0, unit_col or 0):
            if cells and cells[min(currency_col, len(cells) - 1)].upper() == BASE:
                errors[line] = [_("Expected %(count)s columns.") % {"count": len(header)}]
            continue
        if cells[currency_col].upper() != BASE:
            continue
        try:
            rate_date = title_date
            if date_col is not None:
                rate_date = parse_japanese_date(cells[date_col])
                if rate_date is None:
                    raise _BadLine(_("%(value)s is not a date.") % {"value": cells[date_col] or '""'})
            rate = parse_rate(cells[rate_col])
            if unit_col is not None and cells[unit_col] not in ("", "1"):
                raise _BadLine(
                    _("The unit of the USD rate must be 1, not %(unit)s.") % {"unit": cells[unit_col]}
                )
        except _BadLine as bad:
            errors.setdefault(line, []).append(str(bad))
            continue
        observations.append(FxObservation(rate_date=rate_date, rate=rate, line=line))
    return ParsedFile(tuple(observations), errors)


def parse_json(text: str) -> ParsedFile:
    """`{"date": "2026-12-01", "base": "USD", "rates": {"JPY": 155.23}}` (the date also 2026/12/01)."""
    try:
        body = json.loads(text, parse_float=str, parse_int=str)
    except json.JSONDecodeError as exc:
        raise FxSourceInvalid(fields={"body": [_("The answer is not JSON.")]}) from exc
    if not isinstance(body, dict) or not isinstance(body.get("rates"), dict):
        raise FxSourceInvalid(fields={"body": [_('The answer has no "rates" object.')]})
    base = str(body.get("base", "")).upper()
    if base != BASE:
        raise FxSourceInvalid(
            fields={"base": [_("The base currency is %(base)s, not USD.") % {"base": base}]}
        )
    rate_date = parse_japanese_date(str(body.get("date", "")))
    if rate_date is None:
        raise FxSourceInvalid(fields={"date": [_("The answer has no date.")]})
    rates = {str(key).upper(): value for key, value in body["rates"].items()}
    if QUOTE not in rates:
        raise FxSourceInvalid(fields={"rates": [_("The answer has no JPY rate.")]})
    try:
        rate = parse_rate(str(rates[QUOTE]))
    except _BadLine as bad:
        return ParsedFile((), {"rates": [str(bad)]})
    return ParsedFile((FxObservation(rate_date=rate_date, rate=rate),), {})


FORMATS: dict[str, Callable[[str], ParsedFile]] = {"bank_csv": parse_bank_csv, "json": parse_json}
FORMAT_MEDIA_TYPES = {"bank_csv": ("text/csv", "text/plain", "application/csv", "application/octet-stream")}


# --- Fetching ----------------------------------------------------------------------------------------


def _fetch(url: str) -> tuple[bytes, str]:
    """The body and content type of a GET of `url`, within FX_FETCH_TIMEOUT; anything but 200 raises."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise FxSourceUnavailable(fields={"url": [_("Only http and https sources are fetched.")]})
    request = urllib.request.Request(url, headers={"User-Agent": "importorders-fx/1", "Accept": "*/*"})  # noqa: S310
    limit = settings.FX_FETCH_MAX_BYTES
    try:
        with urllib.request.urlopen(request, timeout=settings.FX_FETCH_TIMEOUT) as response:  # noqa: S310  (scheme checked)
            body = response.read(limit + 1)
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise FxSourceUnavailable(
            fields={"url": [_("The source answered HTTP %(status)s.") % {"status": exc.code}]}
        ) from exc
    except TimeoutError as exc:
        raise FxSourceUnavailable(fields={"url": [_("The source did not answer in time.")]}) from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise FxSourceUnavailable(fields={"url": [_("The source did not answer in time.")]}) from exc
        raise FxSourceUnavailable(
            fields={"url": [_("The source could not be reached: %(reason)s") % {"reason": exc.reason}]}
        ) from exc
    except OSError as exc:  # a connection reset mid-answer
        raise FxSourceUnavailable(
            fields={"url": [_("The source could not be reached: %(reason)s") % {"reason": exc}]}
        ) from exc
    if len(body) > limit:
        raise FxSourceInvalid(
            fields={"body": [_("The answer is larger than %(limit)s bytes.") % {"limit": limit}]}
        )
    return body, content_type


def _refuse_html(body: bytes, content_type: str, format: str) -> None:
    """An HTML page (a portal's error or login page answered with 200) is not a rate table."""
    media_type = content_type.split(";")[0].strip().lower()
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if "html" in media_type or head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")):
        raise FxSourceInvalid(
            fields={"body": [_("The source answered a web page, not %(format)s.") % {"format": format}]}
        )


@dataclass(frozen=True)
class FxFetchResult:
    """What one fetch did: `created`, `unchanged`, `held` (a conflict for operations) for its date."""

    status: Literal["created", "unchanged", "held"]
    rate_date: dt.date
    rate: Decimal
    source: str
    conflict_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "rate_date": self.rate_date.isoformat(),
            "rate": str(self.rate),
            "source": self.source,
            "conflict_id": self.conflict_id,
        }


def fx_import_fetch(
    *, actor: Actor, url: str, format: str, on_date: dt.date | None = None, source: str | None = None
) -> FxFetchResult:
    """Fetch today's (or `on_date`'s) USD/JPY rate from `url` and record it once.

    Refuses (raises, writes nothing) what is not a rate table or not a sane rate; holds back (an
    FxRateConflict, returned as `held`) a rate that differs from the one recorded for its date or
    jumps from the previous one; writes a new rate once and bumps the catalog version once.
    """
    parser = FORMATS.get(format)
    if parser is None:
        raise FxSourceInvalid(
            fields={"format": [_("Unknown source format %(format)s.") % {"format": format}]}
        )
    on_date = on_date or clock.today_jst()
    body, content_type = _fetch(url)
    fetched_at = clock.now()
    _refuse_html(body, content_type, format)
    try:
        text = decode_text(body)
    except Unprocessable as exc:
        raise FxSourceInvalid(fields=exc.fields) from exc
    parsed = parser(text)
    if parsed.errors:
        raise FxSourceInvalid(fields=_row_labels(parsed.errors))
    if not parsed.observations:
        raise FxSourceInvalid(fields={"body": [_("The source has no USD rate.")]})
    observation = max(parsed.observations, key=lambda item: item.rate_date)
    if observation.rate_date > on_date:
        raise FxSourceInvalid(
            fields={
                "date": [
                    _("The rate is dated %(date)s, after %(today)s.")
                    % {"date": observation.rate_date.isoformat(), "today": on_date.isoformat()}
                ]
            }
        )
    result = fx_rate_record(
        observation=observation,
        actor=actor,
        source=source or settings.FX_SOURCE_NAME,
        source_url=url,
        fetched_at=fetched_at,
    )
    if observation.rate_date < on_date:
        logger.info(
            "FX source %s still publishes %s on %s (%s)", url, observation.rate_date, on_date, result.status
        )
    return result


def _row_labels(errors: dict[int | str, list[str]]) -> dict[str, list[str]]:
    return {
        (_("row %(line)s") % {"line": key} if isinstance(key, int) else key): messages
        for key, messages in sorted(
            errors.items(), key=lambda item: (isinstance(item[0], int), str(item[0]).zfill(9))
        )
    }


def _previous_rate(rate_date: dt.date) -> FxRate | None:
    return (
        FxRate.objects.filter(base_currency=BASE, quote_currency=QUOTE, rate_date__lt=rate_date)
        .order_by("-rate_date")
        .first()
    )


def jump_percent(previous: Decimal, rate: Decimal) -> Decimal:
    """How far `rate` moved from `previous`, in percent (absolute, two places)."""
    return (abs(rate - previous) / previous * 100).quantize(Decimal("0.01"))


def fx_rate_record(
    *,
    observation: FxObservation,
    actor: Actor,
    source: str,
    source_url: str,
    fetched_at: dt.datetime,
) -> FxFetchResult:
    """Write one fetched rate unless it is already there; hold back a changed rate or a jump."""
    with transaction.atomic():
        existing = fx_rate_lock(observation.rate_date, BASE, QUOTE)
        if existing is not None:
            if existing.rate == observation.rate:
                return FxFetchResult("unchanged", observation.rate_date, existing.rate, existing.source)
            conflict = _hold(
                FxRateConflictKind.CHANGED, observation, existing, actor, source, source_url, fetched_at
            )
            return FxFetchResult("held", observation.rate_date, observation.rate, source, conflict.pk)
        previous = _previous_rate(observation.rate_date)
        limit = settings.FX_MAX_DAILY_CHANGE_PERCENT
        if previous is not None and jump_percent(previous.rate, observation.rate) > limit:
            conflict = _hold(
                FxRateConflictKind.JUMP, observation, previous, actor, source, source_url, fetched_at
            )
            return FxFetchResult("held", observation.rate_date, observation.rate, source, conflict.pk)
        try:
            with transaction.atomic():  # a concurrent fetch may insert the same date first
                _write_rate(
                    FxRate(rate_date=observation.rate_date, base_currency=BASE, quote_currency=QUOTE),
                    rate=observation.rate,
                    actor=actor,
                    source=source,
                    source_url=source_url,
                    fetched_at=fetched_at,
                )
        except IntegrityError:
            raced = FxRate.objects.get(
                rate_date=observation.rate_date, base_currency=BASE, quote_currency=QUOTE
            )
            if raced.rate == observation.rate:
                return FxFetchResult("unchanged", observation.rate_date, raced.rate, raced.source)
            raise Conflict(
                message=_("Another import wrote a different rate for this date at the same time.")
            ) from None
        catalog_changed()
    return FxFetchResult("created", observation.rate_date, observation.rate, source)


def _write_rate(
    rate_row: FxRate, *, rate: Decimal, actor: Actor, source: str, source_url: str, fetched_at: dt.datetime
) -> FxRate:
    rate_row.rate = rate
    rate_row.source = source[:100]
    rate_row.source_url = source_url
    rate_row.fetched_at = fetched_at
    rate_row.actor_fill(actor)
    history_actor_set(rate_row, actor)
    rate_row.save()
    return rate_row


def _hold(
    kind: str,
    observation: FxObservation,
    current: FxRate,
    actor: Actor,
    source: str,
    source_url: str,
    fetched_at: dt.datetime,
) -> FxRateConflict:
    """The open conflict for this offer: the one already recorded, or a new one."""
    found = FxRateConflict.objects.filter(
        rate_date=observation.rate_date,
        base_currency=BASE,
        quote_currency=QUOTE,
        offered_rate=observation.rate,
        status=FxRateConflictStatus.OPEN,
    ).first()
    if found is not None:
        return found
    conflict = FxRateConflict(
        kind=kind,
        rate_date=observation.rate_date,
        base_currency=BASE,
        quote_currency=QUOTE,
        offered_rate=observation.rate,
        current_rate=current.rate,
        current_rate_date=current.rate_date,
        source=source[:100],
        source_url=source_url,
        fetched_at=fetched_at,
    )
    conflict.actor_fill(actor)
    try:
        with transaction.atomic():
            conflict.save()
    except IntegrityError:  # the same offer held by a concurrent fetch
        return FxRateConflict.objects.get(
            rate_date=observation.rate_date,
            base_currency=BASE,
            quote_currency=QUOTE,
            offered_rate=observation.rate,
            status=FxRateConflictStatus.OPEN,
        )
    logger.warning(
        "FX rate %s for %s held back (%s; recorded %s for %s): operations to review",
        observation.rate,
        observation.rate_date,
        kind,
        current.rate,
        current.rate_date,
    )
    return conflict


# --- Operations resolve what was held back ---------------------------------------------------------


def fx_conflict_accept(*, conflict: FxRateConflict, actor: Actor) -> FxRate:
    """Write the held-back rate (replacing the date's rate if there is one); the conflict is closed."""
    with transaction.atomic():
        conflict = fx_conflict_lock(conflict.pk)
        if conflict.status != FxRateConflictStatus.OPEN:
            raise Conflict(message=_("This held-back rate was already resolved."))
        row = fx_rate_lock(conflict.rate_date, conflict.base_currency, conflict.quote_currency) or FxRate(
            rate_date=conflict.rate_date,
            base_currency=conflict.base_currency,
            quote_currency=conflict.quote_currency,
        )
        written = _write_rate(
            row,
            rate=conflict.offered_rate,
            actor=actor,
            source=conflict.source,
            source_url=conflict.source_url,
            fetched_at=conflict.fetched_at,
        )
        _resolve(conflict, FxRateConflictStatus.ACCEPTED, actor)
        # Other open offers for that date are answered by this decision.
        FxRateConflict.objects.filter(
            rate_date=conflict.rate_date,
            base_currency=conflict.base_currency,
            quote_currency=conflict.quote_currency,
            status=FxRateConflictStatus.OPEN,
        ).update(
            status=FxRateConflictStatus.DISMISSED,
            resolved_at=clock.now(),
            resolved_by_ref=actor.ref,
            resolved_by_label=actor.label[:300],
        )
        catalog_changed()
    return written


def fx_conflict_dismiss(*, conflict: FxRateConflict, actor: Actor) -> FxRateConflict:
    """Keep the recorded rate; the held-back one is closed unwritten."""
    with transaction.atomic():
        conflict = fx_conflict_lock(conflict.pk)
        if conflict.status != FxRateConflictStatus.OPEN:
            raise Conflict(message=_("This held-back rate was already resolved."))
        _resolve(conflict, FxRateConflictStatus.DISMISSED, actor)
    return conflict


def _resolve(conflict: FxRateConflict, status: str, actor: Actor) -> None:
    conflict.status = status
    conflict.resolved_at = clock.now()
    conflict.resolved_by_ref = actor.ref
    conflict.resolved_by_label = actor.label[:300]
    conflict.save(
        update_fields=["status", "resolved_at", "resolved_by_ref", "resolved_by_label", "updated_at"]
    )


# --- Back-filling from a file in the admin ---------------------------------------------------------

SIMPLE_HEADER = ("date", "rate")
ImportStatus = Literal["added", "changed", "unchanged"]


@dataclass(frozen=True)
class FxImportRow:
    """One date of the file: the rate recorded now, the file's, and how far it moves from the day before."""

    line: int
    rate_date: dt.date
    status: ImportStatus
    old: Decimal | None
    new: Decimal
    jump_percent: Decimal | None


@dataclass(frozen=True)
class FxImportReport:
    """What a back-fill would do (dry run) or did."""

    dry_run: bool
    rows: tuple[FxImportRow, ...]
    counts: dict[str, int]

    @property
    def has_changes(self) -> bool:
        return any(row.status != "unchanged" for row in self.rows)

    @property
    def jumps(self) -> tuple[FxImportRow, ...]:
        limit = settings.FX_MAX_DAILY_CHANGE_PERCENT
        return tuple(row for row in self.rows if row.jump_percent is not None and row.jump_percent > limit)


def parse_simple_csv(text: str) -> ParsedFile:
    """`date,rate` per line under that header (dates as 2026-12-01, 2026/12/01 or 2026年12月1日)."""
    records = _records(text)
    errors: dict[int | str, list[str]] = {}
    observations: list[FxObservation] = []
    for line, cells in records[1:]:
        if not any(cells):
            continue
        if len(cells) != len(SIMPLE_HEADER):
            errors[line] = [_("Expected %(count)s columns.") % {"count": len(SIMPLE_HEADER)}]
            continue
        messages: list[str] = []
        rate_date = parse_japanese_date(cells[0])
        if rate_date is None:
            messages.append(_("%(value)s is not a date.") % {"value": cells[0] or '""'})
        try:
            rate = parse_rate(cells[1])
        except _BadLine as bad:
            messages.append(str(bad))
        if messages:
            errors[line] = messages
        else:
            observations.append(FxObservation(rate_date=rate_date, rate=rate, line=line))
    return ParsedFile(tuple(observations), errors)


def _parse_import(raw: bytes) -> ParsedFile:
    if len(raw) > MAX_IMPORT_BYTES:
        raise FxImportInvalid(
            fields={
                "file": [_("The file is larger than %(limit)s bytes.") % {"limit": f"{MAX_IMPORT_BYTES:,}"}]
            }
        )
    text = decode_text(raw)
    if "\x00" in text:
        raise FxImportInvalid(fields={"file": [_("The file contains a NUL character.")]})
    first = next((cells for _line, cells in _records(text) if any(cells)), [])
    if tuple(cell.casefold() for cell in first) == SIMPLE_HEADER:
        parsed = parse_simple_csv(text)
    else:
        try:
            parsed = parse_bank_csv(text)
        except FxSourceInvalid as exc:
            raise FxImportInvalid(
                fields={
                    "header": [_("The first line must be date,rate, or the file a bank's rate table.")],
                    **exc.fields,
                }
            ) from exc
    if len(parsed.observations) > MAX_IMPORT_ROWS:
        raise FxImportInvalid(
            fields={"file": [_("At most %(limit)s rows per file.") % {"limit": f"{MAX_IMPORT_ROWS:,}"}]}
        )
    return parsed


def fx_rates_import(*, actor: Actor, csv_file: bytes, dry_run: bool, source: str) -> FxImportReport:
    """Back-fill USD/JPY rates from a file: every line checked, then all written or none.

    The preview (dry run) shows each date added, changed (old and new) or unchanged, and warns of
    moves beyond FX_MAX_DAILY_CHANGE_PERCENT; the person confirming it is the confirmation, so
    applying writes changed rates too (each with its history row naming `actor`).
    """
    parsed = _parse_import(csv_file)
    errors = dict(parsed.errors)
    seen: dict[dt.date, int] = {}
    for item in parsed.observations:
        if item.rate_date in seen:
            errors.setdefault(item.line, []).append(
                _("Duplicate of row %(line)s.") % {"line": seen[item.rate_date]}
            )
        else:
            seen[item.rate_date] = item.line
    if errors:
        raise FxImportInvalid(fields=_row_labels(errors))
    if not parsed.observations:
        raise FxImportInvalid(fields={"file": [_("The file has no USD rate.")]})
    fetched_at = clock.now()
    with transaction.atomic():
        dates = sorted(seen)
        current = {
            row.rate_date: row
            for row in FxRate.objects.filter(base_currency=BASE, quote_currency=QUOTE, rate_date__in=dates)
        }
        before = _previous_rate(dates[0])
        rows: list[FxImportRow] = []
        previous_rate = before.rate if before else None
        in_file = {item.rate_date: item for item in parsed.observations}
        recorded = dict(
            FxRate.objects.filter(
                base_currency=BASE, quote_currency=QUOTE, rate_date__gte=dates[0], rate_date__lte=dates[-1]
            ).values_list("rate_date", "rate")
        )
        timeline = sorted({**recorded, **{day: item.rate for day, item in in_file.items()}}.items())
        for day, rate in timeline:
            item = in_file.get(day)
            if item is not None:
                old = current[day].rate if day in current else None
                status: ImportStatus = "added" if old is None else ("unchanged" if old == rate else "changed")
                jump = jump_percent(previous_rate, rate) if previous_rate is not None else None
                rows.append(FxImportRow(item.line, day, status, old, rate, jump))
            previous_rate = rate
        counts = {
            status: sum(1 for row in rows if row.status == status)
            for status in ("added", "changed", "unchanged")
        }
        if not dry_run and any(row.status != "unchanged" for row in rows):
            for row in rows:
                if row.status == "unchanged":
                    continue
                target = (
                    fx_rate_lock(row.rate_date, BASE, QUOTE)
                    if row.status == "changed"
                    else FxRate(rate_date=row.rate_date, base_currency=BASE, quote_currency=QUOTE)
                )
                _write_rate(
                    target, rate=row.new, actor=actor, source=source, source_url="", fetched_at=fetched_at
                )
            catalog_changed()
    return FxImportReport(dry_run=dry_run, rows=tuple(rows), counts=counts)

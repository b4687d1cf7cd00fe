"""CSV import and export of a price list's rows, with a dry-run diff; a bad row refuses the file.

Format (UTF-8 with or without a BOM, or Shift_JIS as Japanese Excel saves "CSV"; comma-separated,
this exact header; one price per row; docs/catalog.md):

    kind,model,code,amount,currency

kind            model                  code            currency  bounds
trim_fob        the trim's model       trim code       USD       1,000 - 500,000
trim_retail     the trim's model       trim code       JPY       1,000,000 - 100,000,000
option_fob      option's model or ""   option code     USD       0 - 50,000
option_retail   option's model or ""   option code     JPY       0 - 10,000,000 (needs option_fob)
color_fob       ""                     colour code     USD       0 - 10,000
color_retail    ""                     colour code     JPY       0 - 2,000,000 (needs color_fob)
freight         model                  ""              USD       100 - 20,000
insurance_rate  model                  ""              RATE      0 - 0.05 (of FOB)
insurance       model                  ""              USD       0 - 5,000
fee             model                  fee type code   JPY       0 - 1,000,000

The file is the whole list: applying it adds, changes and removes rows so the list equals the
file. A published list is never changed (PriceListPublishedImmutable): make a new draft instead.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import IO, Literal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.errors import PriceImportInvalid, PriceListPublishedImmutable
from catalog.locks import price_list_lock
from catalog.models import (
    Color,
    ColorPrice,
    FeeType,
    ModelFee,
    ModelLogistics,
    Option,
    OptionPrice,
    PriceList,
    Trim,
    TrimPrice,
    VehicleModel,
)
from catalog.versioning import catalog_changed
from core.actors import Actor
from core.csv_files import HOW_TO_SAVE, decoded_text
from core.errors import Unprocessable
from core.formatting import percent_text
from core.history import history_actor_set
from core.models import in_current_language

HEADER = ("kind", "model", "code", "amount", "currency")
MAX_FILE_BYTES = 1_000_000
MAX_ROWS = 20_000

Key = tuple[str, str, str]  # (kind, model, code)
Status = Literal["added", "changed", "unchanged", "removed"]


@dataclass(frozen=True)
class KindSpec:
    """What one kind of row holds: its currency, decimal places and sane bounds."""

    currency: str
    places: int
    minimum: Decimal
    maximum: Decimal
    needs_model: bool
    needs_code: bool


KINDS: dict[str, KindSpec] = {
    "trim_fob": KindSpec("USD", 2, Decimal(1_000), Decimal(500_000), True, True),
    "trim_retail": KindSpec("JPY", 0, Decimal(1_000_000), Decimal(100_000_000), True, True),
    "option_fob": KindSpec("USD", 2, Decimal(0), Decimal(50_000), False, True),
    "option_retail": KindSpec("JPY", 0, Decimal(0), Decimal(10_000_000), False, True),
    "color_fob": KindSpec("USD", 2, Decimal(0), Decimal(10_000), False, True),
    "color_retail": KindSpec("JPY", 0, Decimal(0), Decimal(2_000_000), False, True),
    "freight": KindSpec("USD", 2, Decimal(100), Decimal(20_000), True, False),
    "insurance_rate": KindSpec("RATE", 5, Decimal(0), Decimal("0.05"), True, False),
    "insurance": KindSpec("USD", 2, Decimal(0), Decimal(5_000), True, False),
    "fee": KindSpec("JPY", 0, Decimal(0), Decimal(1_000_000), True, True),
}
KIND_ORDER = {kind: index for index, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class RowDiff:
    """One price: what the list holds now, what the file says, and which of the two wins."""

    kind: str
    model: str
    code: str
    currency: str
    status: Status
    old: Decimal | None
    new: Decimal | None
    name_ja: str = ""
    name_en: str = ""

    @property
    def name(self) -> str:
        """What the row prices, in the page's language (the trim, option, colour, fee or model)."""
        return in_current_language(ja=self.name_ja, en=self.name_en)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def old_text(self) -> str:
        return amount_text(self.old, self.currency)

    @property
    def new_text(self) -> str:
        return amount_text(self.new, self.currency)


# What each kind of row is, for people (the preview); the file keeps the codes.
KIND_LABELS = {
    "trim_fob": gettext_lazy("Trim FOB"),
    "trim_retail": gettext_lazy("Trim suggested retail"),
    "option_fob": gettext_lazy("Option FOB"),
    "color_fob": gettext_lazy("Colour FOB"),
    "freight": gettext_lazy("Ocean freight"),
    "insurance_rate": gettext_lazy("Marine insurance (rate of FOB)"),
    "insurance": gettext_lazy("Marine insurance"),
    "fee": gettext_lazy("Fee"),
}


def amount_text(amount: Decimal | None, currency: str) -> str:
    """An amount as people read it: USD 28,400.00, ¥6,580,000, or a rate as 0.5%."""
    if amount is None:
        return ""
    if currency == "USD":
        return f"USD {amount:,.2f}"
    if currency == "JPY":
        return f"¥{int(amount):,}"
    return percent_text(amount)


@dataclass(frozen=True)
class ImportReport:
    """What an import would do (dry run) or did: one diff per price, and counts by status."""

    price_list_code: str
    dry_run: bool
    applied: bool
    rows: tuple[RowDiff, ...]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        return any(row.status != "unchanged" for row in self.rows)


def price_list_export(*, price_list: PriceList) -> str:
    """The list's rows as CSV text in the import format (an import of it changes nothing)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for (kind, model, code), amount in _sorted(_current_prices(price_list)):
        writer.writerow((kind, model, code, _format(kind, amount), KINDS[kind].currency))
    return out.getvalue()


def price_list_import(
    *, price_list: PriceList, actor: Actor, csv_file: IO[bytes] | bytes, dry_run: bool
) -> ImportReport:
    """Validate every row, diff against the list, and unless `dry_run` apply it all or nothing.

    Applying writes each changed row (so each has its history, naming `actor`) and bumps the
    catalog version once.
    """
    raw = csv_file if isinstance(csv_file, bytes) else csv_file.read(MAX_FILE_BYTES + 1)
    with transaction.atomic():
        price_list = price_list_lock(price_list.pk)
        if price_list.is_published and not dry_run:
            raise PriceListPublishedImmutable()
        rows, errors, present = _parse(raw)
        resolved, resolve_errors = _Resolver(price_list).resolve(rows, present=present)
        for line, messages in resolve_errors.items():
            errors.setdefault(line, []).extend(messages)
        if errors:
            raise _refuse(errors)
        current = _current_prices(price_list)
        diff = _named(price_list, _diff(current, {key: item.amount for key, item in resolved.items()}))
        counts = dict(Counter(row.status for row in diff))
        if not dry_run:
            _apply(price_list, resolved, actor)
            catalog_changed()
    return ImportReport(
        price_list_code=price_list.code, dry_run=dry_run, applied=not dry_run, rows=tuple(diff), counts=counts
    )


# --- Parsing and validation ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    line: int
    kind: str
    model: str
    code: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class _Resolved:
    kind: str
    amount: Decimal
    target_id: int
    model_id: int | None


RowErrors = dict[int, list[str]]  # file line number -> messages


def _refuse(errors: RowErrors | dict[str, list[str]]) -> PriceImportInvalid:
    """The refusal, its row messages labelled "row N" in file order."""
    fields = {
        (_("row %(line)s") % {"line": key} if isinstance(key, int) else key): messages
        for key, messages in sorted(errors.items(), key=lambda item: (isinstance(item[0], int), item[0]))
    }
    return PriceImportInvalid(fields=fields)


def _parse(raw: bytes) -> tuple[list[_Row], RowErrors, set[Key]]:
    """The file's good rows, messages for each bad one, and the (kind, model, code) of every row
    present, good or bad; a file that is not a price CSV raises."""
    if len(raw) > MAX_FILE_BYTES:
        raise Unprocessable(
            code="file_too_large",
            fields={
                "file": [_("The file is larger than %(limit)s bytes.") % {"limit": f"{MAX_FILE_BYTES:,}"}]
            },
        )
    text = _decode(raw)
    if "\x00" in text:
        raise _not_csv(_line_at(text, text.index("\x00")), _("This line contains a NUL character."))
    records = _records(text)
    if not records or tuple(cell.strip() for cell in records[0][1]) != HEADER:
        raise _refuse({"header": [_("The first line must be: %(header)s") % {"header": ",".join(HEADER)}]})
    if len(records) - 1 > MAX_ROWS:
        raise _refuse({"file": [_("At most %(limit)s rows per file.") % {"limit": f"{MAX_ROWS:,}"}]})

    errors: RowErrors = {}
    rows: list[_Row] = []
    seen: dict[Key, int] = {}
    for line, record in records[1:]:
        if not any(cell.strip() for cell in record):
            continue  # blank lines are not rows
        row_errors = errors.setdefault(line, [])
        if len(record) != len(HEADER):
            row_errors.append(_("Expected %(count)s columns.") % {"count": len(HEADER)})
            continue
        kind, model, code, amount_text, currency = (cell.strip() for cell in record)
        spec = KINDS.get(kind)
        if spec is None:
            row_errors.append(_("Unknown kind %(kind)s.") % {"kind": kind})
            continue
        if spec.needs_model and not model:
            row_errors.append(_("A %(kind)s row needs a model.") % {"kind": kind})
        if spec.needs_code and not code:
            row_errors.append(_("A %(kind)s row needs a code.") % {"kind": kind})
        if not spec.needs_code and code:
            row_errors.append(_("A %(kind)s row has no code.") % {"kind": kind})
        if kind in ("color_fob", "color_retail") and model:
            row_errors.append(_("A colour is priced for the maker: leave the model empty."))
        if currency != spec.currency:
            row_errors.append(
                _("The currency of a %(kind)s row is %(currency)s.")
                % {"kind": kind, "currency": spec.currency}
            )
        amount = _amount(amount_text, spec, row_errors)
        key = (kind, model, code)
        if key in seen:
            row_errors.append(_("Duplicate of row %(line)s.") % {"line": seen[key]})
        else:
            seen[key] = line
        if not row_errors and amount is not None:
            rows.append(_Row(line, kind, model, code, amount, currency))
    return rows, {line: messages for line, messages in errors.items() if messages}, set(seen)


def _decode(raw: bytes) -> str:
    """The file's text: UTF-8 with or without a BOM, or Shift_JIS (CP932) as Japanese Excel saves
    "CSV" (core.csv_files); a file in neither is refused saying how to save it, naming the first
    line that is not UTF-8."""
    text = decoded_text(raw)
    if text is not None:
        return text
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # exc.object is what was decoded (the BOM is not part of it); all of it before exc.start is text.
        before = exc.object[: exc.start].decode("utf-8")
        line = _line_at(before, len(before))
    raise Unprocessable(
        code="file_not_text",
        fields={
            "file": [_("The file is neither UTF-8 nor Shift_JIS text."), str(HOW_TO_SAVE)],
            _("row %(line)s") % {"line": line}: [_("This line is neither UTF-8 nor Shift_JIS text.")],
        },
    )


def _line_at(text: str, index: int) -> int:
    """The 1-based line of `text[index]`, with line ends as the CSV reader sees them (\\n, \\r\\n, \\r)."""
    return 1 + sum(1 for line in io.StringIO(text[:index], newline="") if line.endswith(("\n", "\r")))


def _not_csv(line: int, message: str) -> Unprocessable:
    return Unprocessable(
        code="file_not_csv",
        fields={"file": [_("The file is not a CSV file.")], _("row %(line)s") % {"line": line}: [message]},
    )


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(line, cells) of every record, `line` being the file line it starts on (1-based, as in a text
    editor or Excel); a record that cannot be read refuses the file, naming its line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return records
        except csv.Error as exc:
            if str(exc) == "unexpected end of data":
                raise _not_csv(start, _('A quote (") opened on this line is never closed.')) from exc
            if reader.line_num > start:
                # A quoted value ran over line ends (up to a stray quote, or the size limit of a value).
                message = _('A quote (") opened on this line runs on to line %(end)s.') % {
                    "end": reader.line_num
                }
                raise _not_csv(start, message) from exc
            raise _not_csv(reader.line_num, _('This line is not valid CSV: check its quotes (").')) from exc
        records.append((start, cells))
        start = reader.line_num + 1


def _amount(text: str, spec: KindSpec, row_errors: list[str]) -> Decimal | None:
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        row_errors.append(_("%(amount)s is not a number.") % {"amount": text})
        return None
    if not amount.is_finite():
        row_errors.append(_("%(amount)s is not a number.") % {"amount": text})
        return None
    if amount != amount.quantize(Decimal(1).scaleb(-spec.places)):
        row_errors.append(_("At most %(places)s decimal places.") % {"places": spec.places})
        return None
    if not spec.minimum <= amount <= spec.maximum:
        row_errors.append(
            _("%(amount)s is outside %(minimum)s to %(maximum)s.")
            % {"amount": text, "minimum": f"{spec.minimum:,}", "maximum": f"{spec.maximum:,}"}
        )
        return None
    return amount


def _zero_padded(code: str, known: dict[str, int]) -> str | None:
    """The known code that `code` is with its leading zeros dropped (89 for 089), as Excel does to a
    number-like cell; None when there is none."""
    if not code.isdigit():
        return None
    return next(
        (
            known_code
            for known_code in known
            if known_code.lstrip("0") == code.lstrip("0")
            and known_code != code
            and known_code.startswith("0")
        ),
        None,
    )


class _Resolver:
    """Turns codes into rows of this maker (and model, for a model's list); names every miss."""

    def __init__(self, price_list: PriceList) -> None:
        self.price_list = price_list

    def resolve(self, rows: list[_Row], *, present: set[Key]) -> tuple[dict[Key, _Resolved], RowErrors]:
        maker_id = self.price_list.maker_id
        models = dict(VehicleModel.objects.filter(maker_id=maker_id).values_list("code", "id"))
        codes = {kind: {row.code for row in rows if row.kind == kind} for kind in KINDS}
        trims = {
            code: (pk, model_id)
            for code, pk, model_id in Trim.objects.filter(
                code__in=codes["trim_fob"] | codes["trim_retail"],
                model_year__vehicle_model__maker_id=maker_id,
            ).values_list("code", "id", "model_year__vehicle_model_id")
        }
        options = {
            code: (pk, model_id)
            for code, pk, model_id in Option.objects.filter(
                maker_id=maker_id, code__in=codes["option_fob"] | codes["option_retail"]
            ).values_list("code", "id", "vehicle_model_id")
        }
        colors = dict(Color.objects.filter(maker_id=maker_id).values_list("code", "id"))
        fee_types = dict(FeeType.objects.filter(code__in=codes["fee"]).values_list("code", "id"))

        errors: RowErrors = {}
        good_rows: list[_Row] = []
        resolved: dict[Key, _Resolved] = {}
        scope_model_id = self.price_list.vehicle_model_id
        for row in rows:
            row_errors: list[str] = []
            model_id = models.get(row.model) if row.model else None
            if row.model and model_id is None:
                row_errors.append(_("Unknown model %(model)s for this maker.") % {"model": row.model})
            elif scope_model_id and model_id not in (None, scope_model_id):
                row_errors.append(
                    _("Model %(model)s is not the model of this price list.") % {"model": row.model}
                )
            target_id: int | None = None
            if row.kind in ("trim_fob", "trim_retail"):
                found = trims.get(row.code)
                if found is None:
                    row_errors.append(_("Unknown trim %(code)s.") % {"code": row.code})
                elif model_id is not None and found[1] != model_id:
                    row_errors.append(
                        _("Trim %(code)s belongs to another model than %(model)s.")
                        % {"code": row.code, "model": row.model}
                    )
                else:
                    target_id = found[0]
            elif row.kind in ("option_fob", "option_retail"):
                found = options.get(row.code)
                if found is None:
                    row_errors.append(_("Unknown option %(code)s.") % {"code": row.code})
                elif found[1] != model_id or (scope_model_id and found[1] not in (None, scope_model_id)):
                    row_errors.append(
                        _("Option %(code)s belongs to another model: its model column must be its own.")
                        % {"code": row.code}
                    )
                else:
                    target_id = found[0]
            elif row.kind in ("color_fob", "color_retail"):
                target_id = colors.get(row.code)
                zero_padded = _zero_padded(row.code, colors)
                if target_id is None and zero_padded:
                    row_errors.append(
                        _(
                            "Unknown colour %(code)s: Excel dropped the leading zero of %(padded)s. "
                            "Format the code column as Text before saving, or type '%(padded)s."
                        )
                        % {"code": row.code, "padded": zero_padded}
                    )
                elif target_id is None:
                    row_errors.append(_("Unknown colour %(code)s.") % {"code": row.code})
            elif row.kind == "fee":
                target_id = fee_types.get(row.code)
                if target_id is None:
                    row_errors.append(_("Unknown fee %(code)s.") % {"code": row.code})
            else:
                target_id = model_id
            if row_errors or target_id is None:
                errors[row.line] = row_errors
                continue
            good_rows.append(row)
            resolved[(row.kind, row.model, row.code)] = _Resolved(row.kind, row.amount, target_id, model_id)

        # Rules between rows are reported on rows that are good on their own; a row that is present
        # but bad (e.g. an absurd FOB) already has its own error and does not count as missing.
        for line, messages in self._cross_row_errors(good_rows, present=present).items():
            errors.setdefault(line, []).extend(messages)
        return resolved, errors

    @staticmethod
    def _cross_row_errors(rows: list[_Row], *, present: set[Key]) -> RowErrors:
        """Rules between rows: a retail price needs the FOB; freight and one insurance go together."""
        errors: RowErrors = {}
        priced_trims = {code for kind, _model, code in present if kind == "trim_fob"}
        priced = {(kind, code) for kind, _model, code in present if kind in ("option_fob", "color_fob")}
        by_model: dict[str, set[str]] = {}
        for kind, model, _code in present:
            if kind in ("freight", "insurance", "insurance_rate"):
                by_model.setdefault(model, set()).add(kind)
        for row in rows:
            if row.kind == "trim_retail" and row.code not in priced_trims:
                errors.setdefault(row.line, []).append(
                    _("Trim %(code)s has a retail price but no trim_fob row.") % {"code": row.code}
                )
            if row.kind == "option_retail" and ("option_fob", row.code) not in priced:
                errors.setdefault(row.line, []).append(
                    _("Option %(code)s has a retail price but no option_fob row.") % {"code": row.code}
                )
            if row.kind == "color_retail" and ("color_fob", row.code) not in priced:
                errors.setdefault(row.line, []).append(
                    _("Colour %(code)s has a retail price but no color_fob row.") % {"code": row.code}
                )
            if row.kind in ("freight", "insurance", "insurance_rate"):
                kinds = by_model.get(row.model, set())
                if "freight" not in kinds:
                    errors.setdefault(row.line, []).append(
                        _("Model %(model)s has insurance but no freight row.") % {"model": row.model}
                    )
                elif row.kind == "freight" and len(kinds & {"insurance", "insurance_rate"}) != 1:
                    errors.setdefault(row.line, []).append(
                        _("Model %(model)s needs exactly one insurance or insurance_rate row.")
                        % {"model": row.model}
                    )
        return errors


# --- Reading, diffing and applying --------------------------------------------------------------


def _current_prices(price_list: PriceList) -> dict[Key, Decimal]:
    """The list's rows in the file's shape: {(kind, model, code): amount}."""
    prices: dict[Key, Decimal] = {}
    for trim_code, model_code, fob, retail in TrimPrice.objects.filter(price_list=price_list).values_list(
        "trim__code", "trim__model_year__vehicle_model__code", "fob_usd", "suggested_retail_jpy"
    ):
        prices[("trim_fob", model_code, trim_code)] = fob
        if retail is not None:
            prices[("trim_retail", model_code, trim_code)] = retail
    for code, model_code, fob, retail in OptionPrice.objects.filter(price_list=price_list).values_list(
        "option__code", "option__vehicle_model__code", "fob_usd", "suggested_retail_jpy"
    ):
        prices[("option_fob", model_code or "", code)] = fob
        if retail is not None:
            prices[("option_retail", model_code or "", code)] = retail
    for code, fob, retail in ColorPrice.objects.filter(price_list=price_list).values_list(
        "color__code", "fob_usd", "suggested_retail_jpy"
    ):
        prices[("color_fob", "", code)] = fob
        if retail is not None:
            prices[("color_retail", "", code)] = retail
    for model_code, freight, rate, insurance in ModelLogistics.objects.filter(
        price_list=price_list
    ).values_list("vehicle_model__code", "ocean_freight_usd", "insurance_rate", "insurance_usd"):
        prices[("freight", model_code, "")] = freight
        if rate is not None:
            prices[("insurance_rate", model_code, "")] = rate
        if insurance is not None:
            prices[("insurance", model_code, "")] = insurance
    for model_code, fee_code, amount in ModelFee.objects.filter(price_list=price_list).values_list(
        "vehicle_model__code", "fee_type__code", "amount_jpy"
    ):
        prices[("fee", model_code, fee_code)] = amount
    return prices


def _sorted(prices: dict[Key, Decimal]) -> list[tuple[Key, Decimal]]:
    return sorted(prices.items(), key=lambda item: (KIND_ORDER[item[0][0]], item[0][1], item[0][2]))


def _format(kind: str, amount: Decimal) -> str:
    return f"{amount:.{KINDS[kind].places}f}"


def _diff(current: dict[Key, Decimal], new: dict[Key, Decimal]) -> list[RowDiff]:
    diff: list[RowDiff] = []
    for key in sorted(current.keys() | new.keys(), key=lambda k: (KIND_ORDER[k[0]], k[1], k[2])):
        old, value = current.get(key), new.get(key)
        if old is None:
            status: Status = "added"
        elif value is None:
            status = "removed"
        elif old == value:
            status = "unchanged"
        else:
            status = "changed"
        diff.append(RowDiff(key[0], key[1], key[2], KINDS[key[0]].currency, status, old, value))
    return diff


def _named(price_list: PriceList, diff: list[RowDiff]) -> list[RowDiff]:
    """The diff with the name of what each row prices (one query per kind of row present)."""
    codes = {kind: {row.code for row in diff if row.kind == kind} for kind in KINDS}
    maker_id = price_list.maker_id
    names: dict[tuple[str, str], tuple[str, str]] = {}

    def add(kinds: tuple[str, ...], rows) -> None:
        for code, name_ja, name_en in rows:
            for kind in kinds:
                names[(kind, code)] = (name_ja, name_en)

    trim_codes = codes["trim_fob"] | codes["trim_retail"]
    if trim_codes:
        add(
            ("trim_fob", "trim_retail"),
            Trim.objects.filter(
                code__in=trim_codes, model_year__vehicle_model__maker_id=maker_id
            ).values_list("code", "name_ja", "name_en"),
        )
    if codes["option_fob"]:
        add(
            ("option_fob",),
            Option.objects.filter(maker_id=maker_id, code__in=codes["option_fob"]).values_list(
                "code", "name_ja", "name_en"
            ),
        )
    if codes["color_fob"]:
        add(
            ("color_fob",),
            Color.objects.filter(maker_id=maker_id, code__in=codes["color_fob"]).values_list(
                "code", "name_ja", "name_en"
            ),
        )
    if codes["fee"]:
        add(("fee",), FeeType.objects.filter(code__in=codes["fee"]).values_list("code", "name_ja", "name_en"))
    model_rows = [row for row in diff if not KINDS[row.kind].needs_code]
    if model_rows:
        for code, name_ja, name_en in VehicleModel.objects.filter(
            maker_id=maker_id, code__in={row.model for row in model_rows}
        ).values_list("code", "name_ja", "name_en"):
            for kind in ("freight", "insurance_rate", "insurance"):
                names[(kind, code)] = (name_ja, name_en)
    named = []
    for row in diff:
        key = (row.kind, row.model if not KINDS[row.kind].needs_code else row.code)
        name_ja, name_en = names.get(key, ("", ""))
        named.append(replace(row, name_ja=name_ja, name_en=name_en))
    return named


def _sync(model, existing: dict, target: dict, build, actor: Actor) -> None:
    """Make the table's rows for this list equal `target`: update, create and delete one by one
    (not in bulk) so that every change leaves a history record naming the actor."""
    for key, row in existing.items():
        if key not in target:
            history_actor_set(row, actor, reason="price import")
            row.delete()
    for key, values in target.items():
        row = existing.get(key)
        if row is None:
            row = model(**build(key), **values)
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
        else:
            continue
        history_actor_set(row, actor, reason="price import")
        row.save()


def _apply(price_list: PriceList, resolved: dict[Key, _Resolved], actor: Actor) -> None:
    trims: dict[int, dict] = {}
    options: dict[int, dict] = {}
    colors: dict[int, dict] = {}
    logistics: dict[int, dict] = {}
    fees: dict[tuple[int, int], dict] = {}
    for item in resolved.values():
        if item.kind == "trim_fob":
            trims.setdefault(item.target_id, {"suggested_retail_jpy": None})["fob_usd"] = item.amount
        elif item.kind == "trim_retail":
            trims.setdefault(item.target_id, {})["suggested_retail_jpy"] = item.amount
        elif item.kind == "option_fob":
            options.setdefault(item.target_id, {"suggested_retail_jpy": None})["fob_usd"] = item.amount
        elif item.kind == "option_retail":
            options.setdefault(item.target_id, {})["suggested_retail_jpy"] = item.amount
        elif item.kind == "color_fob":
            colors.setdefault(item.target_id, {"suggested_retail_jpy": None})["fob_usd"] = item.amount
        elif item.kind == "color_retail":
            colors.setdefault(item.target_id, {})["suggested_retail_jpy"] = item.amount
        elif item.kind == "fee":
            fees[(item.model_id, item.target_id)] = {"amount_jpy": item.amount}
        else:
            values = logistics.setdefault(item.target_id, {"insurance_rate": None, "insurance_usd": None})
            field_name = {"freight": "ocean_freight_usd", "insurance_rate": "insurance_rate"}.get(
                item.kind, "insurance_usd"
            )
            values[field_name] = item.amount

    _sync(
        TrimPrice,
        {row.trim_id: row for row in TrimPrice.objects.filter(price_list=price_list)},
        trims,
        lambda trim_id: {"price_list": price_list, "trim_id": trim_id},
        actor,
    )
    _sync(
        OptionPrice,
        {row.option_id: row for row in OptionPrice.objects.filter(price_list=price_list)},
        options,
        lambda option_id: {"price_list": price_list, "option_id": option_id},
        actor,
    )
    _sync(
        ColorPrice,
        {row.color_id: row for row in ColorPrice.objects.filter(price_list=price_list)},
        colors,
        lambda color_id: {"price_list": price_list, "color_id": color_id},
        actor,
    )
    _sync(
        ModelLogistics,
        {row.vehicle_model_id: row for row in ModelLogistics.objects.filter(price_list=price_list)},
        logistics,
        lambda model_id: {"price_list": price_list, "vehicle_model_id": model_id},
        actor,
    )
    _sync(
        ModelFee,
        {
            (row.vehicle_model_id, row.fee_type_id): row
            for row in ModelFee.objects.filter(price_list=price_list)
        },
        fees,
        lambda key: {"price_list": price_list, "vehicle_model_id": key[0], "fee_type_id": key[1]},
        actor,
    )

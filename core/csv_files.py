"""Reading an uploaded CSV file: its text (UTF-8 with or without a BOM, or Shift_JIS as Japanese Excel
saves it) and its records, each with the file line it starts on, as a text editor or Excel shows it.

A file that is not text (a NUL or another control character, bytes that are neither encoding) or
not CSV (a quote never closed) raises ValidationFailed (400) under `file`, naming the line where
one can be named.
"""

from __future__ import annotations

import csv
import io
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ValidationFailed

# Control characters other than tab and line ends do not occur in a text file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _not_csv(message: str, line: int | None = None) -> ValidationFailed:
    fields = {"file": [_("The file is not a CSV text file."), message]}
    details = [{"code": "file_not_csv", "message": message, **({"line": line} if line else {})}]
    return ValidationFailed(
        _("The file is not a CSV text file."), code="file_not_csv", fields=fields, details=details
    )


def line_of(text: str, index: int) -> int:
    """The 1-based line of `text[index]`, line ends counted as the CSV reader counts them."""
    return 1 + sum(1 for line in io.StringIO(text[:index], newline="") if line.endswith(("\n", "\r")))


# The encodings a CSV file from Excel comes in: "CSV UTF-8" (with a BOM), and "CSV" on a Japanese
# Windows (Shift_JIS, which Windows extends as CP932). UTF-8 is tried first: a UTF-8 file is rarely
# valid CP932, while plain ASCII is both.
CSV_ENCODINGS = ("utf-8-sig", "cp932")

# How to save a file we can read, for the message that refuses one we cannot.
HOW_TO_SAVE = gettext_lazy(
    'In Excel choose File > Save As and the type "CSV UTF-8 (Comma delimited) (*.csv)", '
    'or "CSV (Comma delimited) (*.csv)", then upload the saved file.'
)


def decoded_text(raw: bytes) -> str | None:
    """The file's text in the first of CSV_ENCODINGS that reads it (a BOM dropped), or None."""
    for encoding in CSV_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def csv_text(raw: bytes) -> str:
    """The file's text: UTF-8 (a BOM is dropped), else Shift_JIS (cp932); anything else is refused."""
    text = decoded_text(raw)
    if text is not None:
        control = _CONTROL.search(text)
        if control:
            raise _not_csv(
                _("Line %(line)s holds a control character: this is not a text file.")
                % {"line": line_of(text, control.start())},
                line_of(text, control.start()),
            )
        return text
    raise _not_csv(_("The file is neither UTF-8 nor Shift_JIS text.") + " " + str(HOW_TO_SAVE))


def csv_records(text: str) -> list[tuple[int, list[str]]]:
    """(line, cells) of every record of `text`; a record that cannot be read refuses the file."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return records
        except csv.Error as exc:
            message = _('Line %(line)s: a quote (") is never closed or is misplaced.') % {"line": start}
            raise _not_csv(message, start) from exc
        records.append((start, cells))
        start = reader.line_num + 1

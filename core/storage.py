"""Private file storage, and the content check every uploaded file passes before it is stored.

Files that people upload (compliance documents, inspection photos) are private: they are never
under STATIC_ROOT or MEDIA_ROOT, never served by whitenoise or a MEDIA_URL, and leave only through
a scoped view that streams them as an attachment. They are addressed by a key the server makes
(`<namespace>/<yyyy>/<mm>/<uuid4 hex>`); the client's file name is kept as data, never as a path.

The interface (`PrivateStore`) is what an S3-compatible bucket needs and nothing more: `put` a key's
bytes, `open` them, `delete`, `exists`, `size`. The embedded default (`FileSystemPrivateStore`)
writes under `PRIVATE_STORAGE_ROOT` (var/private). A bucket store implements the same five calls
(put_object, get_object, delete_object, head_object); `PRIVATE_STORAGE_BACKEND` names the class.

`upload_inspect(data, accepted=...)` decides what a file is from its bytes alone (never from its
name or the declared content type): PDF, JPEG or PNG by their magic bytes, images decoded with a
pixel limit, PDFs refused when they carry JavaScript or launch actions, empty and oversized files
refused. It raises ValidationFailed (nothing is written before it passes).
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core import clock
from core.errors import ValidationFailed

# --- The store -----------------------------------------------------------------------------------


class PrivateStore(Protocol):
    """Where private files live: keyed bytes, nothing served by URL."""

    def put(self, key: str, data: bytes) -> None: ...

    def open(self, key: str) -> BinaryIO: ...

    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool: ...

    def size(self, key: str) -> int: ...


KEY_PATTERN = re.compile(r"^[a-z0-9-]+/\d{4}/\d{2}/[0-9a-f]{32}$")


def private_key_new(namespace: str) -> str:
    """A fresh key under `namespace`, dated by the clock (Japan), with nothing from the client in it."""
    if not re.fullmatch(r"[a-z0-9-]+", namespace):
        raise ValueError(f"not a storage namespace: {namespace!r}")
    today = clock.today_jst()
    return f"{namespace}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}"


class FileSystemPrivateStore:
    """The embedded default: files under PRIVATE_STORAGE_ROOT (outside static and media roots)."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root or settings.PRIVATE_STORAGE_ROOT)

    def _path(self, key: str) -> Path:
        # Keys are made by private_key_new; anything else (a "../" from a row edited by hand) is refused.
        if not KEY_PATTERN.fullmatch(key):
            raise ValueError(f"not a private storage key: {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        with open(temporary, "wb") as handle:
            handle.write(data)
        temporary.replace(path)  # readers never see half a file

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")  # the caller streams and closes it

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size


_store: PrivateStore | None = None


def private_store() -> PrivateStore:
    """The configured store (one per process)."""
    global _store
    if _store is None:
        _store = import_string(settings.PRIVATE_STORAGE_BACKEND)()
    return _store


def private_store_reset() -> None:
    """Forget the process's store (tests that change PRIVATE_STORAGE_ROOT)."""
    global _store
    _store = None


# --- The content check ---------------------------------------------------------------------------

PDF, JPEG, PNG = "pdf", "jpeg", "png"
FILE_KINDS = (PDF, JPEG, PNG)
CONTENT_TYPES = {PDF: "application/pdf", JPEG: "image/jpeg", PNG: "image/png"}
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}

# PDF name objects that run code or open something when the file is read. /OpenAction alone is
# common (it opens at a page); it is refused only when the file also holds JavaScript, which the
# /JS and /JavaScript names already catch. Names may be written with #xx escapes (/J#53).
_PDF_ACTIVE_NAMES = (b"/javascript", b"/js", b"/launch", b"/richmedia", b"/embeddedfile", b"/xfa")
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_PDF_ESCAPE = re.compile(rb"#([0-9a-fA-F]{2})")
# Markup anywhere in the first kilobyte: a PDF/HTML polyglot a browser would render as a page.
_MARKUP = re.compile(rb"<\s*(html|script|body|svg|iframe|!doctype)", re.IGNORECASE)


@dataclass(frozen=True)
class InspectedFile:
    """A file that passed the check: what it is, its bytes, their size and SHA-256."""

    kind: str
    data: bytes
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def _refuse(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={"file": [message]})


def sniff_kind(head: bytes) -> str | None:
    """PDF, JPEG or PNG from the first bytes; None for anything else."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def _pdf_check(data: bytes) -> None:
    if b"%%EOF" not in data[-2048:]:
        raise _refuse(_("The PDF is incomplete (no end-of-file marker)."), "file_truncated")
    if _MARKUP.search(data[:1024]):
        raise _refuse(_("The file mixes a PDF with web page markup."), "file_polyglot")
    for match in _PDF_NAME.finditer(data):
        name = _PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(0)).lower()
        if name in _PDF_ACTIVE_NAMES:
            raise _refuse(
                _("PDFs with JavaScript, launch actions or embedded files are not accepted."),
                "file_active_content",
            )


def _image_check(data: bytes, kind: str) -> tuple[int, int]:
    from PIL import Image

    max_pixels = settings.UPLOAD_MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise _refuse(
                    _("The image is too large (%(pixels)s pixels; at most %(limit)s).")
                    % {"pixels": f"{width * height:,}", "limit": f"{max_pixels:,}"},
                    "image_too_large",
                )
            if (image.format or "").lower() != kind:
                raise _refuse(_("The image is not what its first bytes say."), "file_kind_mismatch")
            image.load()  # decodes every pixel: a truncated or corrupt image fails here
    except ValidationFailed:
        raise
    except Image.DecompressionBombError as exc:
        raise _refuse(_("The image is too large."), "image_too_large") from exc
    except Exception as exc:  # Pillow raises several kinds for broken files; all mean the same
        raise _refuse(_("The image could not be read (truncated or corrupt)."), "image_unreadable") from exc
    return width, height


def upload_inspect(
    source: bytes | BinaryIO, *, accepted: tuple[str, ...] | list[str] = FILE_KINDS
) -> InspectedFile:
    """Check an uploaded file by its content; return what it is, or raise ValidationFailed."""
    max_bytes = settings.UPLOAD_MAX_BYTES
    data = source if isinstance(source, bytes) else source.read(max_bytes + 1)
    if not data:
        raise _refuse(_("The file is empty."), "file_empty")
    if len(data) > max_bytes:
        raise ValidationFailed(
            _("The file is too large (at most %(limit)s MB).") % {"limit": max_bytes // 1_000_000},
            code="file_too_large",
            fields={"file": [_("The file is too large.")]},
        )
    kind = sniff_kind(data[:16])
    if kind is None:
        raise _refuse(_("Only PDF, JPEG and PNG files are accepted."), "file_kind_unknown")
    if kind not in accepted:
        names = ", ".join(k.upper() for k in accepted)
        raise _refuse(
            _("This document accepts %(kinds)s files, not %(kind)s.")
            % {"kinds": names, "kind": kind.upper()},
            "file_kind_not_accepted",
        )
    width = height = None
    if kind == PDF:
        _pdf_check(data)
    else:
        width, height = _image_check(data, kind)
    return InspectedFile(
        kind=kind,
        data=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
    )


def private_file_response(*, key: str, kind: str, download_name: str):
    """Stream a private file as an attachment that no browser renders or sniffs, and no cache keeps."""
    from django.http import FileResponse

    response = FileResponse(
        private_store().open(key),
        as_attachment=True,
        filename=download_name,
        content_type=CONTENT_TYPES[kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response

"""The content check every upload passes (core.storage.upload_inspect) and the private store."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from compliance.samples import sample_jpeg, sample_pdf, sample_png
from core.errors import ValidationFailed
from core.storage import FileSystemPrivateStore, private_key_new, upload_inspect


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width by height pixels (a decompression bomb's first step)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def zip_file() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "hello")
    return out.getvalue()


def with_javascript(name: bytes = b"/JavaScript") -> bytes:
    pdf = sample_pdf("x")
    return pdf.replace(
        b"<< /Type /Catalog", b"<< /OpenAction << /S " + name + b" /JS (app.alert(1)) >> /Type /Catalog"
    )


BAD = {
    "an executable renamed .pdf": (b"MZ\x90\x00\x03" + b"\x00" * 200, "file_kind_unknown"),
    "HTML inside a .png": (b"<html><script>alert(1)</script></html>", "file_kind_unknown"),
    "an SVG": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>',
        "file_kind_unknown",
    ),
    "a polyglot PDF/HTML": (
        b"%PDF-1.4\n<html><body><script>alert(1)</script>\n" + sample_pdf("x")[9:],
        "file_polyglot",
    ),
    "an empty file": (b"", "file_empty"),
    "a PNG declaring 60,000 x 60,000 pixels": (png_declaring(60_000, 60_000), "image_too_large"),
    "a ZIP": (zip_file(), "file_kind_unknown"),
    "a truncated PNG": (sample_png("x")[:60], "image_unreadable"),
    "a truncated JPEG": (sample_jpeg("x")[:200], "image_unreadable"),
    "a truncated PDF": (sample_pdf("x")[:-20], "file_truncated"),
    "a PDF with JavaScript": (with_javascript(), "file_active_content"),
    "a PDF with /JS written with an escape": (with_javascript(b"/J#53"), "file_active_content"),
    "a PDF with a launch action": (
        sample_pdf("x").replace(
            b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >>"
        ),
        "file_active_content",
    ),
}


@pytest.mark.parametrize("name", list(BAD))
def test_refused_by_content(name):
    content, code = BAD[name]
    with pytest.raises(ValidationFailed) as refused:
        upload_inspect(content)
    assert refused.value.code == code
    assert list(refused.value.fields) == ["file"]


def test_an_oversized_file_is_refused_before_it_is_read_whole(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    source = io.BytesIO(sample_pdf("x") + b"%" * 5000)
    with pytest.raises(ValidationFailed) as refused:
        upload_inspect(source)
    assert refused.value.code == "file_too_large"
    assert source.tell() == 1001


def test_a_png_named_pdf_is_a_png_and_refused_where_only_pdf_is_accepted():
    with pytest.raises(ValidationFailed) as refused:
        upload_inspect(sample_png("x"), accepted=("pdf",))
    assert refused.value.code == "file_kind_not_accepted"


def test_good_files_are_recognised_with_their_hash_and_size():
    pdf = upload_inspect(sample_pdf("x"))
    png = upload_inspect(sample_png("x", size=(40, 30)))
    jpeg = upload_inspect(sample_jpeg("x"))
    assert (pdf.kind, png.kind, jpeg.kind) == ("pdf", "png", "jpeg")
    assert (png.width, png.height) == (40, 30)
    assert pdf.size == len(sample_pdf("x"))
    assert len(pdf.sha256) == 64


def test_an_openaction_that_only_opens_a_page_is_accepted():
    pdf = sample_pdf("x").replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction [3 0 R /Fit]")
    assert upload_inspect(pdf).kind == "pdf"


def test_keys_come_from_the_server_and_nothing_else_reaches_the_disk(tmp_path):
    store = FileSystemPrivateStore(tmp_path)
    key = private_key_new("documents")
    store.put(key, b"abc")
    assert store.open(key).read() == b"abc"
    assert store.size(key) == 3
    for bad in ("../etc/passwd", "documents/2026/01/../../x", "documents/x.pdf", "/abs/path"):
        with pytest.raises(ValueError, match="not a private storage key"):
            store.put(bad, b"x")
    store.delete(key)
    assert not store.exists(key)
    assert not list(tmp_path.rglob("*.part"))

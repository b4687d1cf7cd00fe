"""Small generated files for the demo data and the tests: a one-page PDF and a PNG with a label."""

from __future__ import annotations

import io


def sample_pdf(title: str) -> bytes:
    """A valid one-page PDF that shows `title` (ASCII), with a correct cross-reference table."""
    text = (
        title.encode("ascii", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    )
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def sample_png(
    label: str = "", *, size: tuple[int, int] = (320, 200), color: tuple[int, int, int] = (40, 90, 160)
) -> bytes:
    """A PNG of one colour with `label` drawn on it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, color)
    if label:
        ImageDraw.Draw(image).text((12, 12), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def sample_jpeg(label: str = "", *, size: tuple[int, int] = (320, 200)) -> bytes:
    """A JPEG with `label` drawn on it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (160, 90, 40))
    if label:
        ImageDraw.Draw(image).text((12, 12), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()

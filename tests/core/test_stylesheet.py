"""The site's stylesheet is well formed: an unclosed block silently moves every later rule into it
(a phone-only media query once swallowed the notification and change-request styles on desks)."""

import re
from pathlib import Path

import pytest

STYLESHEETS = sorted((Path(__file__).resolve().parents[2] / "static").rglob("*.css"))


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda p: p.name)
def test_every_block_is_closed_where_it_opens(path):
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("@media") or (line and not line[0].isspace() and "{" in line):
            # A top-level rule or media query starts at depth 0, never inside another block.
            assert depth == 0, f"{path.name}:{number} starts inside a block left open above it"
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{path.name}:{number} closes a block that was never opened"
    assert depth == 0, f"{path.name}: {depth} block(s) left open"

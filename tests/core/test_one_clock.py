"""Nothing in the product reads the wall clock but core.clock."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("catalog", "compliance", "config", "core", "importorders")
ALLOWED = {"core/clock.py"}
# (object, attribute) calls that read the wall clock
FORBIDDEN = {
    ("timezone", "now"),
    ("timezone", "localdate"),
    ("timezone", "localtime"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
}


def _wall_clock_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (name, node.func.attr) in FORBIDDEN:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}.{node.func.attr}()")
    return found


def test_only_core_clock_reads_the_wall_clock():
    offenders = [
        hit
        for app in PRODUCT
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and str(path.relative_to(ROOT)) not in ALLOWED
        for hit in _wall_clock_reads(path)
    ]

    assert offenders == []


def test_the_check_sees_a_wall_clock_read():
    sample = ROOT / "core" / "clock.py"

    assert _wall_clock_reads(sample) == ["core/clock.py:37 datetime.now()"]

"""Every string a person reads has a Japanese translation, and the compiled catalogue is current."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


def _po_entries(path: Path):
    """(msgctxt, msgid, msgstr, fuzzy) for each entry of a .po file, header excluded."""
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "msgid" not in block or block.lstrip().startswith("#~"):
            continue
        fuzzy = "#, fuzzy" in block
        plural = "msgid_plural" in block

        def joined(key, block=block):
            match = re.search(rf'^{key} ((?:".*"\n?)+)', block + "\n", re.M)
            return "".join(re.findall(r'"(.*)"', match.group(1))) if match else ""

        msgid = joined("msgid")
        msgstr = joined(r"msgstr\[0\]") if plural else joined("msgstr")
        if msgid:
            yield joined("msgctxt") or None, msgid, msgstr, fuzzy


@pytest.mark.parametrize(
    "app_locale", [*sorted(str(p) for p in Path(settings.BASE_DIR).glob("*/locale/ja")), str(LOCALE / "ja")]
)
def test_japanese_catalogue_is_complete_and_compiled(app_locale):
    po = Path(app_locale) / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    entries = list(_po_entries(po))
    assert entries, f"{po} has no entries"

    untranslated = [msgid for _, msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert untranslated == [], f"untranslated or fuzzy in {po}: {untranslated}"

    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for context, msgid, msgstr, _ in entries
        if "\\" not in msgid
        and (compiled.pgettext(context, msgid) if context else compiled.gettext(msgid))
        != msgstr.encode().decode("unicode_escape").encode("latin-1").decode()
    ]
    assert stale == [], f"{mo} is older than {po}: run `make messages`"

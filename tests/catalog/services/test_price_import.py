"""Price-list CSV: export and import share one format; a dry run diffs; one bad row refuses all."""

from decimal import Decimal

import pytest
from django.utils import translation

from catalog import models as m
from catalog.errors import PriceImportInvalid, PriceListPublishedImmutable
from catalog.services.price_import import MAX_FILE_BYTES, price_list_export, price_list_import
from core.errors import Unprocessable
from tests.catalog import factories as f
from tests.factories import TEST_ACTOR

pytestmark = pytest.mark.django_db

HEADER = "kind,model,code,amount,currency\n"

EXPORTED = (
    HEADER + "trim_fob,CAMRY,CAMRY-26-XSE,28400.00,USD\n"
    "trim_retail,CAMRY,CAMRY-26-XSE,5900000,JPY\n"
    "option_fob,,DASHCAM,300.00,USD\n"
    "option_fob,,MUDGUARD,150.00,USD\n"
    "option_fob,,PKG-NAV,1200.00,USD\n"
    "option_fob,,RACK,400.00,USD\n"
    "option_fob,,RAILS,250.00,USD\n"
    "option_fob,,ROOF,1000.00,USD\n"
    "color_fob,,089,455.00,USD\n"
    "color_fob,,218,0.00,USD\n"
    "freight,CAMRY,,1850.00,USD\n"
    "insurance_rate,CAMRY,,0.00500,RATE\n"
    "fee,CAMRY,MEASURES,80000,JPY\n"
    "fee,CAMRY,PDI,25000,JPY\n"
    "fee,CAMRY,PORT,45000,JPY\n"
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def draft(camry):
    m.PriceList.objects.filter(pk=camry.price_list.pk).update(status=m.PriceListStatus.DRAFT)
    camry.price_list.refresh_from_db()
    return camry.price_list


def snapshot(price_list):
    return price_list_export(price_list=price_list)


def run(price_list, text, *, dry_run=False):
    data = text if isinstance(text, bytes) else text.encode()
    return price_list_import(price_list=price_list, csv_file=data, dry_run=dry_run, actor=TEST_ACTOR)


def test_export_writes_the_import_format(camry):
    assert snapshot(camry.price_list) == EXPORTED


def test_importing_the_export_changes_nothing(draft):
    report = run(draft, EXPORTED)

    assert report.counts == {"unchanged": 15}
    assert report.has_changes is False
    assert snapshot(draft) == EXPORTED


def test_a_dry_run_shows_the_diff_and_writes_nothing(draft):
    text = (
        EXPORTED.replace("28400.00", "28900.00")
        .replace("option_fob,,RACK,400.00,USD\n", "")
        .replace("insurance_rate,CAMRY,,0.00500,RATE\n", "insurance,CAMRY,,120.00,USD\n")
        + "color_fob,,3U5,455.00,USD\n"
    )
    history_before = m.TrimPrice.history.count()

    report = run(draft, text, dry_run=True)

    changed = {(r.kind, r.code): (r.status, r.old, r.new) for r in report.rows if r.status != "unchanged"}
    assert changed == {
        ("trim_fob", "CAMRY-26-XSE"): ("changed", Decimal("28400.00"), Decimal("28900.00")),
        ("option_fob", "RACK"): ("removed", Decimal("400.00"), None),
        ("color_fob", "3U5"): ("added", None, Decimal("455.00")),
        ("insurance_rate", ""): ("removed", Decimal("0.00500"), None),
        ("insurance", ""): ("added", None, Decimal("120.00")),
    }
    assert report.counts == {"unchanged": 12, "changed": 1, "removed": 2, "added": 2}
    assert (report.dry_run, report.applied) == (True, False)
    assert snapshot(draft) == EXPORTED
    assert m.TrimPrice.history.count() == history_before


def test_applying_makes_the_list_equal_the_file_and_keeps_history(draft):
    text = EXPORTED.replace("28400.00", "28900.00").replace("option_fob,,RACK,400.00,USD\n", "")

    report = run(draft, text)

    assert (report.dry_run, report.applied) == (False, True)
    assert report.counts == {"unchanged": 13, "changed": 1, "removed": 1}
    assert snapshot(draft) == text
    trim_price = m.TrimPrice.objects.get(price_list=draft)
    assert [h.fob_usd for h in trim_price.history.order_by("history_date", "history_id")] == [
        Decimal("28400.00"),
        Decimal("28900.00"),
    ]
    assert m.OptionPrice.history.filter(option__code="RACK", history_type="-").count() == 1


def test_a_published_list_is_never_changed(camry):
    before = snapshot(camry.price_list)

    with pytest.raises(PriceListPublishedImmutable) as refused:
        run(camry.price_list, EXPORTED.replace("28400.00", "1.00"))

    assert refused.value.code == "price_list_published"
    assert snapshot(camry.price_list) == before


def test_a_published_list_can_still_be_previewed(camry):
    report = run(camry.price_list, EXPORTED, dry_run=True)

    assert report.counts == {"unchanged": 15}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("trim_fob,CAMRY,NOPE,28400.00,USD", "Unknown trim NOPE."),
        ("option_fob,,NOPE,10.00,USD", "Unknown option NOPE."),
        ("color_fob,,NOPE,10.00,USD", "Unknown colour NOPE."),
        ("fee,CAMRY,NOPE,100,JPY", "Unknown fee NOPE."),
        ("freight,NOPE,,1850.00,USD", "Unknown model NOPE for this maker."),
        (
            "trim_fob,TUNDRA,CAMRY-26-XSE,28400.00,USD",
            "Trim CAMRY-26-XSE belongs to another model than TUNDRA.",
        ),
        (
            "option_fob,,BEDLINER,10.00,USD",
            "Option BEDLINER belongs to another model: its model column must be its own.",
        ),
        ("trim_fob,CAMRY,CAMRY-26-LE,abc,USD", "abc is not a number."),
        ("trim_fob,CAMRY,CAMRY-26-LE,NaN,USD", "NaN is not a number."),
        ("trim_fob,CAMRY,CAMRY-26-LE,-5.00,USD", "-5.00 is outside 1,000 to 500,000."),
        ("trim_fob,CAMRY,CAMRY-26-LE,2840000.00,USD", "2840000.00 is outside 1,000 to 500,000."),
        ("trim_fob,CAMRY,CAMRY-26-LE,28400.001,USD", "At most 2 decimal places."),
        ("trim_fob,CAMRY,CAMRY-26-LE,28400.00,JPY", "The currency of a trim_fob row is USD."),
        ("fee,CAMRY,PORT,100,JPY", "Duplicate of row 16."),
        ("colour,,089,1.00,USD", "Unknown kind colour."),
        ("trim_fob,CAMRY,CAMRY-26-LE,28400.00", "Expected 5 columns."),
        (
            "trim_retail,CAMRY,CAMRY-26-LE,5000000,JPY",
            "Trim CAMRY-26-LE has a retail price but no trim_fob row.",
        ),
    ],
)
def test_one_bad_row_refuses_the_whole_file(draft, row, message):
    before = snapshot(draft)
    text = EXPORTED.replace("28400.00", "28900.00") + row + "\n"

    with pytest.raises(PriceImportInvalid) as refused:
        run(draft, text)

    assert refused.value.code == "price_import_invalid"
    assert refused.value.fields == {"row 17": [message]}
    assert snapshot(draft) == before


def test_every_bad_row_is_named(draft):
    text = (
        HEADER + "trim_fob,CAMRY,NOPE,28400.00,USD\noption_fob,,MUDGUARD,-1,USD\nfreight,CAMRY,,1850.00,USD\n"
    )

    with pytest.raises(PriceImportInvalid) as refused:
        run(draft, text)

    assert refused.value.fields == {
        "row 3": ["-1 is outside 0 to 50,000."],
        "row 2": ["Unknown trim NOPE."],
        "row 4": ["Model CAMRY needs exactly one insurance or insurance_rate row."],
    }


def test_a_model_price_list_refuses_another_models_rows(camry):
    price_list = f.PriceListFactory(
        code="CAMRY-ONLY", maker=camry.maker, vehicle_model=camry.model, status=m.PriceListStatus.DRAFT
    )

    with pytest.raises(PriceImportInvalid) as refused:
        run(price_list, HEADER + "freight,TUNDRA,,2100.00,USD\ninsurance,TUNDRA,,50.00,USD\n")

    assert refused.value.fields == {
        "row 2": ["Model TUNDRA is not the model of this price list."],
        "row 3": ["Model TUNDRA is not the model of this price list."],
    }
    assert m.ModelLogistics.objects.filter(price_list=price_list).count() == 0


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"kind,model,code,amount\n", "price_import_invalid"),
        (b"", "price_import_invalid"),
        (b"trim_fob,CAMRY,X,1,USD\n", "price_import_invalid"),
        (HEADER.encode("utf-16"), "file_not_csv"),  # read as CP932, it holds NUL characters
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file_not_csv"),
        (HEADER.encode() + b"fee,CAMRY,PDI,\x81\x20,JPY\n", "file_not_text"),
        (HEADER.encode() + b"trim_fob,CAMRY,\x00,1,USD\n", "file_not_csv"),
        (HEADER.encode() + b'trim_fob,"CAMRY,X,1,USD\n', "file_not_csv"),
        (HEADER.encode() + b"x" * MAX_FILE_BYTES, "file_too_large"),
    ],
)
def test_a_file_that_is_not_a_price_csv_is_refused(draft, content, code):
    before = snapshot(draft)

    with pytest.raises((PriceImportInvalid, Unprocessable)) as refused:
        run(draft, content)

    assert refused.value.code == code
    assert snapshot(draft) == before


def test_a_utf8_bom_and_blank_lines_are_accepted(draft):
    report = run(draft, b"\xef\xbb\xbf" + EXPORTED.encode() + b"\n\n", dry_run=True)

    assert report.counts == {"unchanged": 15}


def test_a_bad_row_is_named_once_not_again_by_the_rows_that_depend_on_it(draft):
    # The LE's FOB is absurd; its retail row is fine and must not be blamed for a "missing" FOB.
    text = HEADER + "trim_fob,CAMRY,CAMRY-26-LE,284.00,USD\ntrim_retail,CAMRY,CAMRY-26-LE,6580000,JPY\n"

    with pytest.raises(PriceImportInvalid) as refused:
        run(draft, text)

    assert refused.value.fields == {"row 2": ["284.00 is outside 1,000 to 500,000."]}


# --- a file that cannot be read names the line, as a person counts lines in an editor or Excel ---

UNREADABLE = [
    (
        b"trim_fob,CAMRY,\x00,28400.00,USD\n",
        {"row 3": ["This line contains a NUL character."]},
        {"3行目": ["この行にNUL文字が含まれています。"]},
    ),
    (
        b'trim_fob,"CAMRY,CAMRY-26-LE,28400.00,USD\n',
        {"row 3": ['A quote (") opened on this line is never closed.']},
        {"3行目": ['この行で始まる引用符「"」が閉じられていません。']},
    ),
    (
        b'trim_fob,"CAMRY,CAMRY-26-LE,28400.00,USD\nfreight,CAMRY,,"1850.00,USD\n',
        {"row 3": ['A quote (") opened on this line runs on to line 4.']},
        {"3行目": ['この行で始まる引用符「"」が4行目まで続いています。']},
    ),
    (
        b'trim_fob,"CAMRY"X,CAMRY-26-LE,28400.00,USD\n',
        {"row 3": ['This line is not valid CSV: check its quotes (").']},
        {"3行目": ['この行はCSVとして読み取れません。引用符「"」を確認してください。']},
    ),
]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "shift_jis"], ids=["utf8-bom", "shift-jis"])
@pytest.mark.parametrize(
    ("bad_line", "english", "japanese"), UNREADABLE, ids=["nul", "quote", "run-on", "stray"]
)
def test_a_file_that_cannot_be_read_names_the_line_in_both_languages(
    draft, encoding, bad_line, english, japanese
):
    # Line 1 the header, line 2 a good row, line 3 the bad one. Excel writes Shift_JIS for "CSV"; a
    # price file is ASCII, so its bytes are the same as UTF-8 (the BOM aside).
    content = (HEADER + "trim_fob,CAMRY,CAMRY-26-XSE,28400.00,USD\n").encode(encoding) + bad_line
    before = snapshot(draft)

    with pytest.raises(Unprocessable) as refused:
        run(draft, content)
    with translation.override("ja"), pytest.raises(Unprocessable) as refused_ja:
        run(draft, content)

    assert refused.value.code == refused_ja.value.code == "file_not_csv"
    assert refused.value.fields == {"file": ["The file is not a CSV file."], **english}
    assert refused_ja.value.fields == {"file": ["ファイルがCSV形式ではありません。"], **japanese}
    assert snapshot(draft) == before


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_the_line_is_counted_with_any_line_end_and_past_blank_lines(draft, line_end):
    lines = [HEADER.strip(), "", "trim_fob,CAMRY,CAMRY-26-XSE,28400.00,USD", "", 'color_fob,,"089,455.00,USD']
    content = b"\xef\xbb\xbf" + line_end.join(lines).encode()

    with pytest.raises(Unprocessable) as refused:
        run(draft, content)

    assert refused.value.fields["row 5"] == ['A quote (") opened on this line is never closed.']


def test_a_shift_jis_file_with_japanese_text_is_read_as_excel_saved_it(draft):
    # Japanese Excel's "CSV" is CP932: the Japanese model name is read, and named as unknown.
    content = (HEADER + "trim_fob,CAMRY,CAMRY-26-XSE,28400.00,USD\nfee,CAMRY,PORT,45000,JPY\n").encode()
    content += "fee,カムリ,PDI,25000,JPY\n".encode("cp932")

    with pytest.raises(PriceImportInvalid) as refused:
        run(draft, content)

    assert refused.value.fields["row 4"] == ["Unknown model カムリ for this maker."]


def test_a_file_in_neither_encoding_says_how_to_save_it_and_names_the_first_bad_line(draft):
    content = (
        HEADER + "trim_fob,CAMRY,CAMRY-26-XSE,28400.00,USD\n"
    ).encode() + b"fee,CAMRY,PDI,\x81\x20,JPY\n"

    with pytest.raises(Unprocessable) as refused:
        run(draft, content)
    with translation.override("ja"), pytest.raises(Unprocessable) as refused_ja:
        run(draft, content)

    assert refused.value.code == "file_not_text"
    assert refused.value.fields == {
        "file": [
            "The file is neither UTF-8 nor Shift_JIS text.",
            'In Excel choose File > Save As and the type "CSV UTF-8 (Comma delimited) (*.csv)", '
            'or "CSV (Comma delimited) (*.csv)", then upload the saved file.',
        ],
        "row 3": ["This line is neither UTF-8 nor Shift_JIS text."],
    }
    assert refused_ja.value.fields["file"][1].startswith("Excelの「ファイル」")
    assert list(refused_ja.value.fields) == ["file", "3行目"]


def test_a_colour_code_whose_leading_zero_excel_dropped_is_named_as_such(draft):
    text = EXPORTED.replace("color_fob,,089,", "color_fob,,89,")

    with pytest.raises(PriceImportInvalid) as refused:
        run(draft, text)

    (line,) = refused.value.fields
    assert refused.value.fields[line] == [
        "Unknown colour 89: Excel dropped the leading zero of 089. "
        "Format the code column as Text before saving, or type '089."
    ]


def test_an_unknown_colour_that_is_no_dropped_zero_is_only_unknown(draft):
    text = EXPORTED.replace("color_fob,,089,", "color_fob,,77,")

    with pytest.raises(PriceImportInvalid) as refused:
        run(draft, text)

    assert list(refused.value.fields.values()) == [["Unknown colour 77."]]


def test_the_preview_names_what_each_row_prices_and_formats_its_amounts(draft):
    text = EXPORTED.replace("28400.00", "28900.00").replace("0.00500", "0.00600")

    report = run(draft, text, dry_run=True)

    changed = [row for row in report.rows if row.status == "changed"]
    assert [(row.kind_label, row.name, row.old_text, row.new_text) for row in changed] == [
        ("Trim FOB", draft_trim_name(draft), "USD 28,400.00", "USD 28,900.00"),
        ("Marine insurance (rate of FOB)", "Camry", "0.5%", "0.6%"),
    ]
    retail = next(row for row in report.rows if row.kind == "trim_retail")
    assert retail.new_text == "¥5,900,000"


def draft_trim_name(price_list) -> str:
    return m.Trim.objects.get(code="CAMRY-26-XSE").name_en

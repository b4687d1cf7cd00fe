"""The catalog's back office: every page answers, lists cost the same with more rows, CSV round trip."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin, messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog import models as m
from catalog.demo import seed_catalog
from catalog.services.price_import import price_list_export
from core.demo import DemoResult
from tests.catalog import factories as f
from tests.factories import UserFactory
from tests.queries import assert_query_count

pytestmark = pytest.mark.django_db

CATALOG_ADMINS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "catalog"),
    key=lambda model: model.__name__,
)


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def seeded():
    seed_catalog(DemoResult())


def url(model, view, *args):
    return reverse(f"admin:catalog_{model._meta.model_name}_{view}", args=args)


def test_every_catalog_model_has_an_admin_or_is_an_inline():
    models = {model.__name__ for model in apps.get_app_config("catalog").get_models()}
    reference = {name for name in models if not name.startswith("Historical")}
    inline_only = {"PlantWmi", "TrimOption", "TrimColor", "TrimPrice", "OptionPrice", "ColorPrice"}
    inline_only |= {"ModelLogistics", "ModelFee"}

    assert reference - {model.__name__ for model in CATALOG_ADMINS} == inline_only


@pytest.mark.parametrize("model", CATALOG_ADMINS, ids=lambda model: model.__name__)
def test_every_page_answers(superuser_client, seeded, model):
    obj = model.objects.order_by("pk").first() or _more(model)()

    for page in (
        url(model, "changelist"),
        url(model, "change", obj.pk),
        url(model, "history", obj.pk),
    ):
        assert superuser_client.get(page).status_code == 200, page
    # Held-back rates come from the import only: nobody adds one by hand.
    assert superuser_client.get(url(model, "add")).status_code == (403 if model is m.FxRateConflict else 200)


def _more(model):
    """Factories that add one more row of each catalog admin's model."""
    counter = iter(range(1, 10_000))
    return {
        m.Maker: lambda: f.MakerFactory(),
        m.Plant: lambda: f.PlantFactory(),
        m.CertificationRoute: lambda: f.CertificationRouteFactory(code=f"route{next(counter)}"),
        m.VehicleModel: lambda: f.VehicleModelFactory(),
        m.ModelYear: lambda: f.ModelYearFactory(),
        m.Trim: lambda: f.TrimFactory(),
        m.Option: lambda: f.OptionFactory(vehicle_model=f.VehicleModelFactory()),
        m.OptionRule: lambda: f.OptionRuleFactory(vehicle_model=f.VehicleModelFactory()),
        m.Color: lambda: f.ColorFactory(),
        m.PriceList: lambda: f.PriceListFactory(vehicle_model=f.VehicleModelFactory()),
        m.FeeType: lambda: f.FeeTypeFactory(),
        m.FxRate: lambda: f.FxRateFactory(rate_date=dt.date(2020, 1, 1) + dt.timedelta(days=next(counter))),
        m.FxRateConflict: lambda: f.FxRateConflictFactory(
            rate_date=dt.date(2020, 1, 1) + dt.timedelta(days=next(counter))
        ),
        m.TaxRule: lambda: f.TaxRuleFactory(vehicle_model=f.VehicleModelFactory()),
        m.AutomobileTaxBracket: lambda: f.AutomobileTaxBracketFactory(
            effective_from=dt.date(2019, 10, 1) + dt.timedelta(days=next(counter))
        ),
        m.RecyclingDeposit: lambda: f.RecyclingDepositFactory(),
        m.TonnageTaxBracket: lambda: f.TonnageTaxBracketFactory(
            effective_from=dt.date(2012, 5, 1) + dt.timedelta(days=next(counter))
        ),
        m.CompulsoryInsurancePremium: lambda: f.CompulsoryInsurancePremiumFactory(
            effective_from=dt.date(2023, 4, 1) + dt.timedelta(days=next(counter))
        ),
    }[model]


# Each changelist's exact query count, the same with 1 row and with 6: session, user, the
# paginator's count, the unfiltered count, the rows (5), plus the caller's membership and groups
# (2: every catalog admin scopes its rows through restrict(caller)), one query per related list
# filter's choices and the date-hierarchy and distinct-value filters' queries.
CHANGELIST_QUERIES = {
    m.AutomobileTaxBracket: 7,
    m.CertificationRoute: 7,
    m.CompulsoryInsurancePremium: 8,
    m.Color: 8,
    m.FeeType: 7,
    m.FxRate: 12,
    m.FxRateConflict: 9,
    m.Maker: 7,
    m.ModelYear: 10,
    m.Option: 9,
    m.OptionRule: 9,
    m.Plant: 9,
    m.PriceList: 11,
    m.RecyclingDeposit: 8,
    m.TaxRule: 8,
    m.TonnageTaxBracket: 8,
    m.Trim: 8,
    m.VehicleModel: 9,
}


def test_every_changelist_states_its_query_count():
    assert set(CHANGELIST_QUERIES) == set(CATALOG_ADMINS)


@pytest.mark.parametrize("model", CATALOG_ADMINS, ids=lambda model: model.__name__)
def test_changelist_queries_do_not_grow_with_rows(superuser_client, model):
    add = _more(model)
    add()
    page = url(model, "changelist")
    assert superuser_client.get(page).status_code == 200  # warm the session and content types
    assert model.objects.count() == 1

    with assert_query_count(CHANGELIST_QUERIES[model]):
        superuser_client.get(page)
    for _ in range(5):
        add()
    assert model.objects.count() == 6
    with assert_query_count(CHANGELIST_QUERIES[model]):
        superuser_client.get(page)


@pytest.fixture
def draft(camry):
    m.PriceList.objects.filter(pk=camry.price_list.pk).update(status=m.PriceListStatus.DRAFT)
    camry.price_list.refresh_from_db()
    return camry.price_list


def test_export_downloads_the_price_list_csv(superuser_client, camry):
    response = superuser_client.get(url(m.PriceList, "export", camry.price_list.pk))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="TOYOTA-2026.csv"'
    # A BOM first, so that Excel opens the UTF-8 file as UTF-8 (and an import drops it again).
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig") == price_list_export(price_list=camry.price_list)


def test_import_previews_then_applies_on_confirm(superuser_client, draft):
    before = price_list_export(price_list=draft)
    changed = before.replace("28400.00", "28900.00")
    page = url(m.PriceList, "import", draft.pk)

    preview = superuser_client.post(
        page, {"file": SimpleUploadedFile("prices.csv", changed.encode(), content_type="text/csv")}
    )

    assert preview.status_code == 200
    assert preview.context["report"].counts == {"changed": 1, "unchanged": 14}
    assert [(r.code, r.old, r.new) for r in preview.context["changes"]] == [
        ("CAMRY-26-XSE", Decimal("28400.00"), Decimal("28900.00"))
    ]
    assert 'name="confirm"' in preview.content.decode()
    assert price_list_export(price_list=draft) == before  # a preview writes nothing

    applied = superuser_client.post(page, {"confirm": "1", "content": preview.context["content"]})

    assert applied.status_code == 302
    assert applied["Location"] == url(m.PriceList, "change", draft.pk)
    assert price_list_export(price_list=draft) == changed


def test_a_bad_file_shows_row_messages_and_changes_nothing(superuser_client, draft):
    before = price_list_export(price_list=draft)
    bad = before + "trim_fob,CAMRY,NOPE,28400.00,USD\n"

    response = superuser_client.post(
        url(m.PriceList, "import", draft.pk),
        {"file": SimpleUploadedFile("prices.csv", bad.encode(), content_type="text/csv")},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert response.context["error"].fields == {"row 17": ["Unknown trim NOPE."]}
    assert "row 17: Unknown trim NOPE." in response.content.decode()
    assert price_list_export(price_list=draft) == before


def test_a_published_lists_import_url_refuses_and_points_to_a_draft_copy(superuser_client, camry):
    before = price_list_export(price_list=camry.price_list)
    page = url(m.PriceList, "import", camry.price_list.pk)
    changed = before.replace("28400.00", "28900.00")

    shown = superuser_client.get(page, HTTP_ACCEPT_LANGUAGE="en")
    previewed = superuser_client.post(page, {"file": SimpleUploadedFile("p.csv", changed.encode())})
    applied = superuser_client.post(
        page, {"confirm": "1", "content": changed}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    change_page = url(m.PriceList, "change", camry.price_list.pk)
    assert (shown.status_code, shown["Location"]) == (302, change_page)
    assert (previewed.status_code, previewed["Location"]) == (302, change_page)
    # Each refusal leaves its message; the last one (in English) is shown with the change page.
    shown_messages = [str(message) for message in applied.context["messages"]]
    assert len(shown_messages) == 3
    assert shown_messages[-1] == (
        "TOYOTA-2026 is published: its prices cannot be imported. Copy it into a new draft (the action "
        '"Copy into a new draft" on the list of price lists), import there and publish the draft.'
    )
    assert price_list_export(price_list=camry.price_list) == before


def test_a_published_list_is_copied_into_a_new_draft_with_every_price(superuser_client, camry):
    published = camry.price_list

    response = superuser_client.post(
        url(m.PriceList, "changelist"),
        {"action": "copy_to_draft", "_selected_action": [published.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    draft = m.PriceList.objects.get(code="TOYOTA-2026-DRAFT")
    assert [str(message) for message in response.context["messages"]] == [
        "TOYOTA-2026 copied into the draft TOYOTA-2026-DRAFT."
    ]
    assert (draft.status, draft.maker_id, draft.vehicle_model_id) == (
        m.PriceListStatus.DRAFT,
        published.maker_id,
        published.vehicle_model_id,
    )
    assert (draft.effective_from, draft.effective_to) == (published.effective_from, published.effective_to)
    assert price_list_export(price_list=draft) == price_list_export(price_list=published)
    copied = m.TrimPrice.history.filter(price_list_id=draft.pk).get()
    assert copied.history_user is not None  # the row's history names the person who copied
    # A second copy gets its own code; the published list is untouched.
    superuser_client.post(
        url(m.PriceList, "changelist"), {"action": "copy_to_draft", "_selected_action": [published.pk]}
    )
    assert m.PriceList.objects.filter(code="TOYOTA-2026-DRAFT2", status=m.PriceListStatus.DRAFT).exists()
    published.refresh_from_db()
    assert published.status == m.PriceListStatus.PUBLISHED


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("cp932", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-8", b"")],
    ids=["cp932", "utf8-bom", "utf8"],
)
def test_the_import_reads_excels_encodings(superuser_client, draft, encoding, prefix):
    # The same file as Excel saves it in each encoding; a Japanese model name is read and named back.
    text = price_list_export(price_list=draft).replace("28400.00", "28900.00")
    good = prefix + text.encode(encoding)
    bad = prefix + (text + "fee,カムリ,PDI,25000,JPY\n").encode(encoding)
    page = url(m.PriceList, "import", draft.pk)

    preview = superuser_client.post(
        page, {"file": SimpleUploadedFile("p.csv", good)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    refused = superuser_client.post(
        page, {"file": SimpleUploadedFile("p.csv", bad)}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert preview.context["report"].counts == {"changed": 1, "unchanged": 14}
    assert preview.context["content"] == text  # what the confirmation posts back, as text
    assert refused.context["error"].fields == {"row 17": ["Unknown model カムリ for this maker."]}


def test_the_import_preview_shows_names_and_formatted_amounts(superuser_client, draft):
    text = price_list_export(price_list=draft).replace("28400.00", "28900.00").replace("45000", "46000")

    preview = superuser_client.post(
        url(m.PriceList, "import", draft.pk), {"file": SimpleUploadedFile("p.csv", text.encode())}
    )

    page = preview.content.decode()
    trim = m.Trim.objects.get(code="CAMRY-26-XSE")
    assert f"<td>グレードFOB</td><td>CAMRY</td><td>CAMRY-26-XSE</td>\n      <td>{trim.name_ja}</td>" in page
    assert ">USD 28,400.00</td>" in page
    assert ">USD 28,900.00</td>" in page
    assert ">¥45,000</td>" in page
    assert ">¥46,000</td>" in page
    assert "trim_fob" not in page.split('id="import-diff"')[1].split("</table>")[0]


def test_a_colour_whose_leading_zero_was_dropped_is_named_in_the_admin(superuser_client, draft):
    text = price_list_export(price_list=draft).replace("color_fob,,089,", "color_fob,,89,")

    response = superuser_client.post(
        url(m.PriceList, "import", draft.pk), {"file": SimpleUploadedFile("p.csv", text.encode())}
    )

    assert "Excelが089の先頭の0を落としています" in response.content.decode()


def test_publish_action_refuses_an_overlap(superuser_client, camry):
    overlapping = f.PriceListFactory(
        code="TOYOTA-OVERLAP",
        maker=camry.maker,
        effective_from=dt.date(2026, 6, 1),
        status=m.PriceListStatus.DRAFT,
    )
    f.TrimPriceFactory(price_list=overlapping, trim=camry.trim)

    response = superuser_client.post(
        url(m.PriceList, "changelist"),
        {"action": "publish_selected", "_selected_action": [overlapping.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    overlapping.refresh_from_db()
    assert overlapping.status == m.PriceListStatus.DRAFT
    assert [(message.level, str(message)) for message in response.context["messages"]] == [
        (
            messages.ERROR,
            "TOYOTA-OVERLAP: Another published price list of the same scope covers some of these dates. "
            "Overlaps the published price list(s) TOYOTA-2026. Fix: first end TOYOTA-2026: set its "
            "effective to 2026-06-01, so that it applies until 31 May 2026.",
        )
    ]


def test_staff_without_permission_cannot_import_or_export(client, camry):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(url(m.PriceList, "export", camry.price_list.pk)).status_code == 403
    assert client.get(url(m.PriceList, "import", camry.price_list.pk)).status_code == 403


def test_the_import_page_speaks_japanese_by_default(superuser_client, draft):
    bad = price_list_export(price_list=draft) + "trim_fob,CAMRY,NOPE,28400.00,USD\n"

    response = superuser_client.post(
        url(m.PriceList, "import", draft.pk), {"file": SimpleUploadedFile("prices.csv", bad.encode())}
    )

    assert response.status_code == 200
    assert "17行目: グレード NOPE はありません。" in response.content.decode()


def _change_form(price_list, **changes):
    data = {
        "code": price_list.code,
        "maker": price_list.maker_id,
        "vehicle_model": price_list.vehicle_model_id or "",
        "effective_from": price_list.effective_from.isoformat(),
        "effective_to": price_list.effective_to.isoformat() if price_list.effective_to else "",
        "note": price_list.note,
    }
    for prefix in ("trim_prices", "option_prices", "color_prices", "logistics", "fees"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data | changes


def test_ending_a_published_list_in_the_admin_goes_through_the_service(superuser_client, camry):
    page = url(m.PriceList, "change", camry.price_list.pk)

    response = superuser_client.post(
        page, _change_form(camry.price_list, effective_to="2026-12-01", note="ends")
    )

    assert response.status_code == 302
    camry.price_list.refresh_from_db()
    assert (camry.price_list.effective_to, camry.price_list.note) == (dt.date(2026, 12, 1), "ends")
    assert m.TrimPrice.objects.filter(price_list=camry.price_list).count() == 1  # rows untouched


def test_a_published_list_cannot_be_stretched_over_another(superuser_client, camry):
    m.PriceList.objects.filter(pk=camry.price_list.pk).update(effective_to=dt.date(2026, 6, 1))
    camry.price_list.refresh_from_db()
    later = f.PriceListFactory(code="TOYOTA-LATER", maker=camry.maker, effective_from=dt.date(2026, 6, 1))

    response = superuser_client.post(
        url(m.PriceList, "change", camry.price_list.pk),
        _change_form(camry.price_list, effective_to=""),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Overlaps the published price list(s) TOYOTA-LATER." in response.content.decode()
    camry.price_list.refresh_from_db()
    assert camry.price_list.effective_to == dt.date(2026, 6, 1)
    later.refresh_from_db()
    assert (later.status, later.effective_from, later.effective_to) == (
        m.PriceListStatus.PUBLISHED,
        dt.date(2026, 6, 1),
        None,
    )

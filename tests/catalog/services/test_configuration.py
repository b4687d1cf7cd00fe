"""The build-validity engine: valid builds resolve their packages; every broken rule is named."""

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog import models as m
from catalog.selectors.configuration import ColorFacts, ConfigurationData, OptionFacts, RuleFacts
from catalog.services.configuration import configuration_check, configuration_validate
from tests.catalog import factories as f
from tests.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def validate(world, color="089", options=()):
    return configuration_validate(trim=world.trim, color_code=color, option_codes=options)


def codes(result):
    return [(e.code, e.field, e.option, e.target, e.color) for e in result.errors]


def test_a_valid_build_resolves_what_its_package_includes(camry):
    result = validate(camry, options=["PKG-NAV", "MUDGUARD"])

    assert result.valid is True
    assert result.errors == ()
    assert [(o.code, o.included_by, o.charged) for o in result.options] == [
        ("PKG-NAV", None, True),
        ("MUDGUARD", None, True),
        ("DASHCAM", "PKG-NAV", False),
    ]
    assert result.color.code == "089"
    assert result.subject_to_approval is False


def test_an_option_chosen_and_also_included_is_not_charged_twice(camry):
    result = validate(camry, options=["DASHCAM", "PKG-NAV"])

    assert result.valid is True
    assert [(o.code, o.charged) for o in result.options] == [("DASHCAM", False), ("PKG-NAV", True)]


@pytest.mark.parametrize(
    ("color", "options", "expected"),
    [
        ("089", ["NOPE"], [("unknown_option", "options", "NOPE", None, None)]),
        ("089", ["LE-CLOTH"], [("option_not_available", "options", "LE-CLOTH", None, None)]),
        ("089", ["BEDLINER"], [("option_not_available", "options", "BEDLINER", None, None)]),
        ("XXX", [], [("unknown_color", "color", None, None, "XXX")]),
        ("3U5", [], [("color_not_available", "color", None, None, "3U5")]),
        ("", [], [("color_required", "color", None, None, None)]),
        (
            "089",
            ["MUDGUARD", "MUDGUARD", "MUDGUARD"],
            [("duplicate_option", "options", "MUDGUARD", None, None)],
        ),
        ("089", ["RACK"], [("missing_required_option", "options", "RACK", "RAILS", None)]),
        ("089", ["ROOF", "RACK", "RAILS"], [("excluded_option", "options", "ROOF", "RACK", None)]),
    ],
)
def test_each_broken_rule_has_its_own_code(camry, color, options, expected):
    result = validate(camry, color=color, options=options)

    assert result.valid is False
    assert codes(result) == expected


def test_every_broken_rule_is_named_at_once(camry):
    result = validate(camry, color="3U5", options=["NOPE", "ROOF", "RACK", "ROOF"])

    assert codes(result) == [
        ("color_not_available", "color", None, None, "3U5"),
        ("unknown_option", "options", "NOPE", None, None),
        ("duplicate_option", "options", "ROOF", None, None),
        ("missing_required_option", "options", "RACK", "RAILS", None),
        ("excluded_option", "options", "ROOF", "RACK", None),
    ]


def test_a_rule_scoped_to_another_model_does_not_apply(camry):
    f.OptionRuleFactory(
        option=camry.options["MUDGUARD"],
        kind=m.RuleKind.REQUIRES,
        target=camry.options["ROOF"],
        vehicle_model=camry.other_model,
    )

    assert validate(camry, options=["MUDGUARD"]).valid is True


def test_a_rule_scoped_to_this_model_applies(camry):
    f.OptionRuleFactory(
        option=camry.options["MUDGUARD"],
        kind=m.RuleKind.REQUIRES,
        target=camry.options["ROOF"],
        vehicle_model=camry.model,
    )

    assert codes(validate(camry, options=["MUDGUARD"])) == [
        ("missing_required_option", "options", "MUDGUARD", "ROOF", None)
    ]


def test_an_inactive_option_or_trim_is_not_available(camry):
    m.Option.objects.filter(code="MUDGUARD").update(active=False)
    m.Trim.objects.filter(pk=camry.trim.pk).update(active=False)

    assert [e.code for e in validate(camry, options=["MUDGUARD"]).errors] == [
        "trim_not_available",
        "option_not_available",
    ]


@pytest.mark.parametrize("status", [m.RecognitionStatus.NOT_SUBMITTED, m.RecognitionStatus.UNDER_REVIEW])
def test_a_model_not_yet_recognised_is_flagged_not_refused(camry, status):
    m.VehicleModel.objects.filter(pk=camry.model.pk).update(
        recognition_status=status, recognition_number="", recognised_on=None
    )

    result = validate(camry)

    assert result.valid is True
    assert result.subject_to_approval is True


def test_a_withdrawn_model_is_refused(camry):
    m.VehicleModel.objects.filter(pk=camry.model.pk).update(recognition_status=m.RecognitionStatus.WITHDRAWN)

    assert [e.code for e in validate(camry).errors] == ["model_withdrawn"]


def test_messages_follow_the_language(camry):
    with translation.override("en"):
        english = validate(camry, options=["RACK"]).errors[0].message
    with translation.override("ja"):
        japanese = validate(camry, options=["RACK"]).errors[0].message

    assert english == "Option RACK requires option RAILS."
    assert japanese == "オプション RACK には RAILS が必要です。"


def test_the_engine_runs_four_queries_with_1_or_20_options_and_colours(camry):
    def add(count):
        for _ in range(count):
            option = f.OptionFactory(maker=camry.maker)
            f.TrimOptionFactory(trim=camry.trim, option=option)
            f.OptionRuleFactory(option=option, kind=m.RuleKind.REQUIRES, target=camry.options["MUDGUARD"])
            f.TrimColorFactory(trim=camry.trim, color=f.ColorFactory(maker=camry.maker))

    assert_constant_queries(lambda: validate(camry, options=["PKG-NAV"]), add, expected=4)


# --- Properties, over the pure engine (no database) ----------------------------------------------

OPTION_CODES = [f"O{i}" for i in range(8)]


@st.composite
def worlds(draw):
    """A trim with up to eight options, some offered, and random rules between them."""
    offered = draw(st.lists(st.booleans(), min_size=len(OPTION_CODES), max_size=len(OPTION_CODES)))
    options = {
        code: OptionFacts(i, code, code, code, "option", "factory", on_trim)
        for i, (code, on_trim) in enumerate(zip(OPTION_CODES, offered, strict=True))
    }
    pairs = st.tuples(st.sampled_from(OPTION_CODES), st.sampled_from(OPTION_CODES)).filter(
        lambda p: p[0] != p[1]
    )
    rules = draw(
        st.lists(
            st.builds(
                lambda kind, pair: RuleFacts(kind, *pair), st.sampled_from(list(m.RuleKind.values)), pairs
            ),
            max_size=10,
        )
    )
    return ConfigurationData(
        trim_id=1,
        trim_code="T",
        trim_name_ja="T",
        trim_name_en="T",
        trim_active=True,
        displacement_cc=2487,
        vehicle_model_id=1,
        vehicle_model_code="MODEL",
        maker_id=1,
        recognition_status=m.RecognitionStatus.RECOGNISED,
        options=options,
        colors={"C1": ColorFacts(1, "C1", "C1", "C1", "#000000", True)},
        rules=tuple(rules),
    )


selections = st.lists(st.sampled_from(OPTION_CODES), max_size=6, unique=True)


def satisfies_every_rule(data, result):
    build = set(result.option_codes)
    for rule in data.rules:
        if rule.option not in build:
            continue
        if rule.kind == m.RuleKind.REQUIRES and rule.target not in build:
            return False
        if rule.kind == m.RuleKind.EXCLUDES and rule.target in build:
            return False
        if rule.kind == m.RuleKind.INCLUDES and rule.target not in build:
            return False
    return True


@settings(max_examples=300, deadline=None)
@given(data=worlds(), chosen=selections)
def test_whatever_the_engine_accepts_satisfies_every_rule(data, chosen):
    result = configuration_check(data=data, color_code="C1", option_codes=chosen)

    if result.valid:
        assert satisfies_every_rule(data, result)
        assert all(data.options[code].on_trim for code in chosen)
        assert set(chosen) <= set(result.option_codes)


@settings(max_examples=300, deadline=None)
@given(data=worlds(), chosen=selections)
def test_adding_an_excluded_option_always_fails(data, chosen):
    result = configuration_check(data=data, color_code="C1", option_codes=chosen)
    if not result.valid:
        return
    build = set(result.option_codes)
    for rule in data.rules:
        if rule.kind != m.RuleKind.EXCLUDES:
            continue
        for present, excluded in ((rule.option, rule.target), (rule.target, rule.option)):
            if present in build:
                with_excluded = configuration_check(
                    data=data, color_code="C1", option_codes=[*chosen, excluded]
                )
                assert with_excluded.valid is False

"""The build-validity engine: trim + colour + options -> valid, or every broken rule named.

`configuration_check` is a pure function over `ConfigurationData` (loaded by the selector in four
queries); `configuration_validate` loads and checks. Rules: `requires` (the option needs the target
in the build), `excludes` (never both), `includes` (a package brings the target at no extra cost;
applied transitively before the other rules are checked). A model that is not yet recognised is
flagged `subject_to_approval` (`catalog.selectors.recognition`), never refused; a withdrawn model
is refused.

Error codes (stable; see docs/catalog.md): trim_not_available, model_withdrawn, color_required,
unknown_color, color_not_available, duplicate_option, unknown_option, option_not_available,
missing_required_option, excluded_option.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from catalog.models import RuleKind, Trim
from catalog.selectors import kept
from catalog.selectors.configuration import ColorFacts, ConfigurationData
from catalog.selectors.recognition import is_subject_to_approval, is_withdrawn


@dataclass(frozen=True)
class ConfigurationError:
    """One broken rule: a stable code, a message in the active language and what it is about."""

    code: str
    message: str
    field: str
    option: str | None = None
    target: str | None = None
    color: str | None = None


@dataclass(frozen=True)
class ResolvedOption:
    """An option in the build: chosen, or brought in by a package (`included_by`, not charged)."""

    code: str
    name_ja: str
    name_en: str
    kind: str
    installation: str
    included_by: str | None = None

    @property
    def charged(self) -> bool:
        return self.included_by is None


@dataclass(frozen=True)
class ConfigurationResult:
    """The engine's answer for one build."""

    trim_id: int
    trim_code: str
    valid: bool
    errors: tuple[ConfigurationError, ...]
    options: tuple[ResolvedOption, ...]
    color: ColorFacts | None
    subject_to_approval: bool

    @property
    def option_codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)


def configuration_check(
    *, data: ConfigurationData, color_code: str | None, option_codes: Iterable[str]
) -> ConfigurationResult:
    """Check a build against the trim's data; runs no queries."""
    errors: list[ConfigurationError] = []

    if not data.trim_active:
        errors.append(
            ConfigurationError(
                code="trim_not_available",
                message=_("Trim %(trim)s is not available for order.") % {"trim": data.trim_code},
                field="trim",
            )
        )
    if is_withdrawn(data.recognition_status):
        errors.append(
            ConfigurationError(
                code="model_withdrawn",
                message=_("The recognition of this model has been withdrawn; it cannot be ordered."),
                field="trim",
            )
        )

    color = _check_color(data, color_code, errors)
    chosen = _check_option_codes(data, option_codes, errors)
    included_by = _apply_includes(data, chosen)
    in_build = set(chosen) | set(included_by)

    for rule in data.rules:
        if rule.kind == RuleKind.REQUIRES and rule.option in in_build and rule.target not in in_build:
            errors.append(
                ConfigurationError(
                    code="missing_required_option",
                    message=_("Option %(option)s requires option %(target)s.")
                    % {"option": rule.option, "target": rule.target},
                    field="options",
                    option=rule.option,
                    target=rule.target,
                )
            )
    reported_pairs: set[frozenset[str]] = set()
    for rule in data.rules:
        pair = frozenset((rule.option, rule.target))
        if (
            rule.kind == RuleKind.EXCLUDES
            and rule.option in in_build
            and rule.target in in_build
            and pair not in reported_pairs
        ):
            reported_pairs.add(pair)
            errors.append(
                ConfigurationError(
                    code="excluded_option",
                    message=_("Option %(option)s cannot be combined with option %(target)s.")
                    % {"option": rule.option, "target": rule.target},
                    field="options",
                    option=rule.option,
                    target=rule.target,
                )
            )

    resolved = tuple(
        ResolvedOption(
            code=code,
            name_ja=data.options[code].name_ja,
            name_en=data.options[code].name_en,
            kind=data.options[code].kind,
            installation=data.options[code].installation,
            included_by=included_by.get(code),
        )
        for code in [*chosen, *(code for code in included_by if code not in chosen)]
    )
    return ConfigurationResult(
        trim_id=data.trim_id,
        trim_code=data.trim_code,
        valid=not errors,
        errors=tuple(errors),
        options=resolved,
        color=color,
        subject_to_approval=is_subject_to_approval(data.recognition_status),
    )


def configuration_validate(
    *, trim: Trim, color_code: str | None, option_codes: Iterable[str]
) -> ConfigurationResult:
    """Load the trim's options, colours and rules (four queries, always) and check the build."""
    data = kept.trim_configuration_data(trim_id=trim.pk)
    return configuration_check(data=data, color_code=color_code, option_codes=option_codes)


def _check_color(
    data: ConfigurationData, color_code: str | None, errors: list[ConfigurationError]
) -> ColorFacts | None:
    if not color_code:
        errors.append(ConfigurationError(code="color_required", message=_("Choose a colour."), field="color"))
        return None
    color = data.colors.get(color_code)
    if color is None:
        errors.append(
            ConfigurationError(
                code="unknown_color",
                message=_("There is no colour %(color)s.") % {"color": color_code},
                field="color",
                color=color_code,
            )
        )
        return None
    if not color.on_trim:
        errors.append(
            ConfigurationError(
                code="color_not_available",
                message=_("Colour %(color)s is not offered on trim %(trim)s.")
                % {"color": color_code, "trim": data.trim_code},
                field="color",
                color=color_code,
            )
        )
        return None
    return color


def _check_option_codes(
    data: ConfigurationData, option_codes: Iterable[str], errors: list[ConfigurationError]
) -> list[str]:
    """The chosen codes that the trim offers, in the order given; reports the others."""
    chosen: list[str] = []
    seen: set[str] = set()
    duplicates: set[str] = set()
    for code in option_codes:
        if code in seen:
            if code not in duplicates:
                duplicates.add(code)
                errors.append(
                    ConfigurationError(
                        code="duplicate_option",
                        message=_("Option %(option)s is listed more than once.") % {"option": code},
                        field="options",
                        option=code,
                    )
                )
            continue
        seen.add(code)
        option = data.options.get(code)
        if option is None:
            errors.append(
                ConfigurationError(
                    code="unknown_option",
                    message=_("There is no option %(option)s.") % {"option": code},
                    field="options",
                    option=code,
                )
            )
        elif not option.on_trim:
            errors.append(
                ConfigurationError(
                    code="option_not_available",
                    message=_("Option %(option)s is not offered on trim %(trim)s.")
                    % {"option": code, "trim": data.trim_code},
                    field="options",
                    option=code,
                )
            )
        else:
            chosen.append(code)
    return chosen


def _apply_includes(data: ConfigurationData, chosen: list[str]) -> dict[str, str]:
    """Options brought in by packages, transitively: {included code: the package that brought it}."""
    includes: dict[str, list[str]] = {}
    for rule in data.rules:
        if rule.kind == RuleKind.INCLUDES and rule.target in data.options:
            includes.setdefault(rule.option, []).append(rule.target)
    included_by: dict[str, str] = {}
    for root in chosen:
        if root in included_by:
            continue  # an earlier package already brings it: not charged again
        pending = [root]
        while pending:
            package = pending.pop(0)
            for target in includes.get(package, ()):
                # Never the root itself: a cycle of packages must leave one of them charged.
                if target != root and target not in included_by:
                    included_by[target] = package
                    pending.append(target)
    return included_by

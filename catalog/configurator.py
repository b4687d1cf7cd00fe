"""The configurator's reading of one build, for the pages: what each choice may do, the broken rules
in words a salesperson acts on, and the one-click fixes.

The engine (`catalog.services.configuration`) judges a build and names its errors by code; this
module turns that answer into what the page shows, without queries: names before codes, the options
at fault, the options a choice excludes (greyed out, with the reason), the options a package brings
(shown as included, not selectable) and, for each broken rule, the builds that repair it.

A build is its colour and options; its address (`Build.query`) is the configurator's query string,
so the page, a reload, Back and Forward, the language switch and a shared link all show the same
build. The last valid build travels beside a broken one (`last_color`, `last_options`) so its price
stays on the page, marked out of date, until the build is repaired.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from catalog.models import RuleKind
from catalog.models.base import in_current_language
from catalog.selectors.configuration import ConfigurationData, OptionFacts
from catalog.services.configuration import ConfigurationError, ConfigurationResult


@dataclass(frozen=True)
class Build:
    """A colour and the options chosen, in the order given (as the form and the URL carry them)."""

    color: str = ""
    options: tuple[str, ...] = ()

    def query(self, *, prefix: str = "") -> str:
        """The build as query parameters: `color=089&options=A&options=B` (`last_...` with a prefix)."""
        return urlencode({f"{prefix}color": self.color, f"{prefix}options": list(self.options)}, doseq=True)

    def without(self, code: str) -> Build:
        return Build(color=self.color, options=tuple(option for option in self.options if option != code))

    def with_option(self, code: str) -> Build:
        return Build(color=self.color, options=(*self.options, code))

    def once(self) -> Build:
        """The build with every option listed once (where it first appeared)."""
        return Build(color=self.color, options=tuple(dict.fromkeys(self.options)))

    def with_color(self, code: str) -> Build:
        return Build(color=code, options=self.options)


@dataclass(frozen=True)
class Fix:
    """A build that repairs a broken rule, and what the button says it does."""

    label: str
    build: Build


@dataclass(frozen=True)
class RuleProblem:
    """A broken rule as the page shows it: a message that leads with names, the codes, the fixes."""

    error: ConfigurationError
    message: str
    codes: tuple[str, ...]
    fixes: tuple[Fix, ...]


@dataclass(frozen=True)
class ChoiceState:
    """What an option's checkbox shows for the current build."""

    checked: bool = False
    at_fault: bool = False
    included_by: OptionFacts | None = None
    excluded_by: tuple[OptionFacts, ...] = ()
    needed_by: tuple[OptionFacts, ...] = ()

    @property
    def disabled(self) -> bool:
        """Included options are not selectable; excluded ones are greyed out unless already chosen."""
        return self.included_by is not None or (bool(self.excluded_by) and not self.checked)


@dataclass(frozen=True)
class BuildReview:
    """The page's reading of the engine's answer for one build."""

    build: Build
    problems: tuple[RuleProblem, ...] = ()
    states: dict[str, ChoiceState] = field(default_factory=dict)
    color_at_fault: bool = False

    def state(self, code: str) -> ChoiceState:
        return self.states.get(code, ChoiceState())


def _name(facts) -> str:
    return in_current_language(ja=facts.name_ja, en=facts.name_en)


def build_review(
    *, data: ConfigurationData, build: Build, result: ConfigurationResult, suggested_color: str = ""
) -> BuildReview:
    """Read the engine's `result` for `build` (no queries). `suggested_color`: the colour a missing
    or unavailable colour's fix proposes (the configurator's first colour at no extra cost)."""
    chosen = {option.code for option in result.options if option.charged}
    included = {option.code: option.included_by for option in result.options if option.included_by}
    in_build = chosen | set(included)

    def chosen_root(code: str) -> str:
        """The chosen option that brings `code` into the build: itself, or the package that includes it."""
        seen = set()
        while code in included and code not in chosen and code not in seen:
            seen.add(code)
            code = included[code]
        return code

    def excluders(code: str) -> tuple[OptionFacts, ...]:
        """The options in the build that exclude `code` (a rule names the pair in either direction)."""
        names = []
        for rule in data.rules:
            if rule.kind != RuleKind.EXCLUDES:
                continue
            other = rule.target if rule.option == code else rule.option if rule.target == code else None
            if other and other in in_build and other in data.options and other != code:
                names.append(data.options[other])
        return tuple(dict.fromkeys(names))

    problems = []
    at_fault: set[str] = set()  # options in the build that break a rule
    needed_by: dict[str, list[OptionFacts]] = {}  # options the build lacks: {missing: [options needing it]}
    for error in result.errors:
        problem = _problem(
            data=data,
            build=build,
            error=error,
            chosen_root=chosen_root,
            excluders=excluders,
            suggested_color=suggested_color,
        )
        problems.append(problem)
        if error.code == "missing_required_option" and error.option in data.options:
            at_fault.add(error.option)
            needed_by.setdefault(error.target, []).append(data.options[error.option])
        else:
            at_fault.update(code for code in (error.option, error.target) if code)

    states = {}
    for code, option in data.options.items():
        if not option.on_trim:
            continue
        included_by = included.get(code)
        checked = code in build.options or included_by is not None
        states[code] = ChoiceState(
            checked=checked,
            at_fault=code in at_fault,
            included_by=data.options.get(included_by) if included_by else None,
            excluded_by=() if code in in_build else excluders(code),
            needed_by=tuple(needed_by.get(code, ())),
        )
    color_fields = {error.field for error in result.errors}
    return BuildReview(
        build=build, problems=tuple(problems), states=states, color_at_fault="color" in color_fields
    )


def _problem(*, data, build, error, chosen_root, excluders, suggested_color) -> RuleProblem:
    option = data.options.get(error.option) if error.option else None
    target = data.options.get(error.target) if error.target else None
    fixes: list[Fix] = []

    def remove(code: str) -> None:
        root = chosen_root(code)
        if root in build.options and root in data.options:
            fixes.append(
                Fix(
                    label=_("Remove %(option)s") % {"option": _name(data.options[root])},
                    build=build.without(root),
                )
            )

    if error.code == "missing_required_option" and option and target:
        message = _("%(option)s requires %(target)s.") % {"option": _name(option), "target": _name(target)}
        if target.on_trim and not excluders(target.code):
            fixes.append(
                Fix(
                    label=_("Add %(option)s") % {"option": _name(target)},
                    build=build.with_option(target.code),
                )
            )
        remove(option.code)
    elif error.code == "excluded_option" and option and target:
        message = _("%(option)s cannot be combined with %(target)s.") % {
            "option": _name(option),
            "target": _name(target),
        }
        remove(target.code)
        remove(option.code)
    elif error.code == "option_not_available" and option:
        message = _("%(option)s is not offered on this trim.") % {"option": _name(option)}
        fixes.append(
            Fix(label=_("Remove %(option)s") % {"option": _name(option)}, build=build.without(option.code))
        )
    elif error.code == "duplicate_option" and option:
        message = _("%(option)s is listed more than once.") % {"option": _name(option)}
        fixes.append(Fix(label=_("Keep one %(option)s") % {"option": _name(option)}, build=build.once()))
    elif error.code == "unknown_option" and error.option:
        message = error.message
        fixes.append(
            Fix(label=_("Remove %(option)s") % {"option": error.option}, build=build.without(error.option))
        )
    elif error.code == "color_not_available" and error.color in data.colors:
        message = _("%(color)s is not offered on this trim.") % {"color": _name(data.colors[error.color])}
    else:
        message = error.message
    if error.field == "color" and suggested_color in data.colors and suggested_color != build.color:
        color = data.colors[suggested_color]
        fixes.append(
            Fix(
                label=_("Choose %(color)s") % {"color": _name(color)}, build=build.with_color(suggested_color)
            )
        )
    codes = tuple(code for code in (error.option, error.target, error.color) if code)
    return RuleProblem(error=error, message=message, codes=codes, fixes=tuple(fixes))

"""System checks: the SSRF guard is never off in a deployment."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def private_targets_refused(app_configs, **kwargs) -> list[Error]:
    """`check --deploy` fails while WEBHOOKS_ALLOW_PRIVATE_TARGETS is on (tests only)."""
    if getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_TARGETS", False):
        return [
            Error(
                "WEBHOOKS_ALLOW_PRIVATE_TARGETS is on: webhooks could be sent into private networks.",
                hint="It is for tests against a local receiver only; remove it from this environment.",
                id="webhooks.E001",
            )
        ]
    return []


@register(Tags.security)
def private_targets_not_in_production(app_configs, **kwargs) -> list[Error]:
    """Every `check` (not only --deploy) fails when the production settings open the guard."""
    module = getattr(settings, "SETTINGS_MODULE", None) or ""
    if getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_TARGETS", False) and module.endswith(".production"):
        return [
            Error(
                "WEBHOOKS_ALLOW_PRIVATE_TARGETS is on in the production settings.",
                id="webhooks.E002",
            )
        ]
    return []

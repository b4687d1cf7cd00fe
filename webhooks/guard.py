"""Refuse to call into private networks (SSRF): on save, and again after resolving at send time.

A URL must be http(s) with a host whose every address is public: not private, loopback,
link-local, multicast, reserved, shared or unspecified, IPv4 or IPv6 (an IPv4-mapped IPv6 address
is judged as its IPv4 address). At send time the host is resolved once, checked, and the request
connects to that very address (Host header and TLS SNI keep the name), so a DNS answer that changes
between the check and the connection cannot reach inside. WEBHOOKS_ALLOW_PRIVATE_TARGETS turns
the address check off for tests against a local receiver; a deploy check refuses it in production.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ValidationFailed


class UnsafeTarget(ValidationFailed):
    """A webhook URL that is not http(s) or that reaches a non-public address (400)."""

    default_code = "webhook_url_refused"


def _allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_TARGETS", False))


def address_is_public(address: str) -> bool:
    """Whether an IP address is one a webhook may be sent to."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            ip = mapped
        elif ip.teredo is not None:
            ip = ip.teredo[1]
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _refused(message: str, reason: str) -> UnsafeTarget:
    return UnsafeTarget(
        message, fields={"url": [message]}, details=[{"code": "webhook_url_refused", "reason": reason}]
    )


def target_parts(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a webhook URL, or UnsafeTarget when it is not http(s) with a host."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _refused(_("A webhook URL must start with https:// or http://."), "scheme")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise _refused(_("The webhook URL's port is not valid."), "port") from exc
    if not parts.hostname or parts.username or parts.password:
        raise _refused(_("A webhook URL needs a host name, and no user name or password."), "host")
    return scheme, parts.hostname, port


def target_resolve(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, the address to connect to), every address of the host checked."""
    scheme, host, port = target_parts(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise _refused(_("The webhook URL's host name does not resolve."), "unresolvable") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise _refused(_("The webhook URL's host name does not resolve."), "unresolvable")
    if not _allow_private() and not all(address_is_public(address) for address in addresses):
        raise _refused(
            _("The webhook URL reaches a private, loopback or reserved address: use a public one."), "private"
        )
    return scheme, host, port, addresses[0]


def url_check(url: str) -> None:
    """Refuse (400) a URL that may not receive webhooks (an endpoint's save)."""
    target_resolve(url)

"""Portal pages: the signed-in person's notifications (/notifications/) and their choices.

The list keeps its state in the URL (`?unread=1`, `?page=2`); marking read and the choices are
POST forms with CSRF that come back to the page they were sent from.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.callers import get_caller
from core.errors import PermissionDenied
from core.notifications import kinds
from core.notifications.api import KEYS_HAVE_NONE
from core.notifications.selectors import notification_get, notification_list, preferences_for
from core.notifications.services import (
    notification_mark_read,
    notification_preferences_set,
    notifications_mark_all_read,
)
from core.portal import portal_page

PAGE_SIZE = 30


def _person(request: HttpRequest):
    caller = get_caller(request)
    if caller.kind != "user":  # pragma: no cover - login_required lets only people in
        raise PermissionDenied(KEYS_HAVE_NONE)
    return caller


def back_to(request: HttpRequest, default: str) -> str:
    """Where a form sends the person back: its `next` if it is one of ours, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@portal_page
def notification_list_page(request: HttpRequest) -> HttpResponse:
    """The person's notifications, newest first; `?unread=1` shows only the unread ones."""
    caller = _person(request)
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(notification_list(caller=caller, unread=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only, "here": request.get_full_path()},
    )


@login_required
@require_POST
@portal_page
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read, then back to where the person was."""
    caller = _person(request)
    notification_mark_read(notification=notification_get(caller=caller, pk=pk), actor=caller.actor)
    return redirect(back_to(request, reverse("notifications:list")))


@login_required
@require_POST
@portal_page
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every notification read."""
    caller = _person(request)
    notifications_mark_all_read(actor=caller.actor)
    return redirect(back_to(request, reverse("notifications:list")))


@login_required
@require_http_methods(["GET", "POST"])
@portal_page
def preferences_page(request: HttpRequest) -> HttpResponse:
    """Per kind: in the portal, by e-mail. The form posts every kind shown (unticked is off)."""
    caller = _person(request)
    if request.method == "POST":
        available = [kind.key for kind in kinds.kinds_for(caller)]
        choices = {
            key: (request.POST.get(f"{key}:in_app") == "on", request.POST.get(f"{key}:email") == "on")
            for key in available
        }
        notification_preferences_set(actor=caller.actor, allowed=available, choices=choices)
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"rows": preferences_for(caller=caller)})

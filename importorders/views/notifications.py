"""Portal: watching an order (the button is `templates/importorders/_watch_button.html`).

POST forms with CSRF; each comes back to the page it was sent from (`next`, one of ours), or to
the notifications page. Another dealer's order is the site's 404, a key never gets here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.callers import get_caller
from core.notifications.views import back_to
from core.portal import portal_page
from importorders.selectors.orders import order_get
from importorders.services.watches import order_unwatch, order_watch


@login_required
@require_POST
@portal_page
def watch(request: HttpRequest, reference: str) -> HttpResponse:
    caller = get_caller(request)
    order_watch(order=order_get(caller=caller, reference=reference), actor=caller.actor)
    return redirect(back_to(request, reverse("notifications:list")))


@login_required
@require_POST
@portal_page
def unwatch(request: HttpRequest, reference: str) -> HttpResponse:
    caller = get_caller(request)
    order_unwatch(order=order_get(caller=caller, reference=reference), actor=caller.actor)
    return redirect(back_to(request, reverse("notifications:list")))

"""Portal pages owned by core: the home page and a rate-limited login."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import clock
from core.ratelimit import RateLimit, client_ip


@login_required
def home(request):
    """The signed-in user's start page."""
    return render(request, "core/home.html", {"now": clock.now()})


def _login_limits() -> tuple[RateLimit, RateLimit]:
    per_user, per_ip = settings.LOGIN_LIMIT_PER_USER, settings.LOGIN_LIMIT_PER_IP
    return (
        RateLimit("login-user", limit=per_user[0], window=per_user[1]),
        RateLimit("login-ip", limit=per_ip[0], window=per_ip[1]),
    )


class LoginView(auth_views.LoginView):
    """Django's login, refusing further attempts (429) after too many failures.

    Failures count per username at one address and per address; while a limit is exceeded the
    password is not even checked, so guessing gains nothing.
    """

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")[:150].strip().lower()
        ip = client_ip(request)
        per_user, per_ip = _login_limits()
        wait = per_user.exceeded(f"{ip}|{username}") or per_ip.exceeded(ip)
        if wait:
            form = self.get_form()
            form.errors.clear()
            minutes = max(1, round(wait / 60))
            form.add_error(
                None, _("Too many failed attempts. Try again in %(minutes)d minutes.") % {"minutes": minutes}
            )
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            per_user.reset(f"{ip}|{username}")
        else:
            per_user.hit(f"{ip}|{username}")
            per_ip.hit(ip)
        return response

"""Portal pages owned by core: the home page, a rate-limited login and the language switch."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from core import clock
from core.actors import Actor
from core.callers import get_caller
from core.home import cards_for
from core.models import UserLanguage
from core.notifications.services import language_store
from core.ratelimit import RateLimit, client_ip


@login_required
def home(request):
    """The signed-in user's start page."""
    return render(request, "core/home.html", {"now": clock.now(), "cards": cards_for(get_caller(request))})


def _login_limits() -> tuple[RateLimit, RateLimit]:
    per_user, per_ip = settings.LOGIN_LIMIT_PER_USER, settings.LOGIN_LIMIT_PER_IP
    return (
        RateLimit("login-user", limit=per_user[0], window=per_user[1]),
        RateLimit("login-ip", limit=per_ip[0], window=per_ip[1]),
    )


def _attempt_subjects(request) -> tuple[str, str]:
    username = request.POST.get("username", "")[:150].strip().lower()
    ip = client_ip(request)
    return f"{ip}|{username}", ip


def login_wait(request) -> int | None:
    """Seconds to wait before this address (or this username from it) may try to log in again."""
    per_user, per_ip = _login_limits()
    user_subject, ip = _attempt_subjects(request)
    return per_user.exceeded(user_subject) or per_ip.exceeded(ip)


def login_attempt_record(request) -> None:
    """After a login POST: a success clears the username's failures, a failure counts against both."""
    per_user, per_ip = _login_limits()
    user_subject, ip = _attempt_subjects(request)
    if request.user.is_authenticated:
        per_user.reset(user_subject)
    else:
        per_user.hit(user_subject)
        per_ip.hit(ip)


def _minutes(wait: int) -> int:
    return max(1, round(wait / 60))


def login_rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The portal's login limits around another login view (the admin's): same counters, same rule."""

    @wraps(view)
    def wrapper(request, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        wait = login_wait(request)
        if wait:
            response = render(request, "core/login_throttled.html", {"minutes": _minutes(wait)}, status=429)
            response["Retry-After"] = str(wait)
            return response
        response = view(request, *args, **kwargs)
        login_attempt_record(request)
        return response

    return wrapper


class LoginView(auth_views.LoginView):
    """Django's login, refusing further attempts (429) after too many failures.

    Failures count per username at one address and per address; while a limit is exceeded the
    password is not even checked, so guessing gains nothing. The admin's login shares the counters
    (`login_rate_limited`, applied in core.admin).
    """

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        wait = login_wait(request)
        if wait:
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _("Too many failed attempts. Try again in %(minutes)d minutes.")
                % {"minutes": _minutes(wait)},
            )
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        response = super().post(request, *args, **kwargs)
        login_attempt_record(request)
        if request.user.is_authenticated:
            language_apply_stored(request, response)
        return response


@require_POST
def set_language(request):
    """Django's language switch; for a signed-in person it also stores the choice (their e-mails
    follow it, and it is theirs again at the next sign-in on any browser)."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        language_store(actor=Actor.for_user(request.user), language=language)
    return response


def language_apply_stored(request, response: HttpResponse) -> None:
    """After a sign-in: the person's stored language becomes this browser's (cookie and session)."""
    stored = UserLanguage.objects.filter(user_id=request.user.pk).values_list("language", flat=True).first()
    if stored:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            stored,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )

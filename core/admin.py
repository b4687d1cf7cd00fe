"""Admin pieces every app's admin uses, and core's own admin pages."""

from functools import wraps

from django.contrib import admin
from django.shortcuts import render

from core.callers import get_caller
from core.models import WorkerHeartbeat
from core.scoping import ScopedQuerySet, scoped
from core.views import login_rate_limited


class ScopedAdminMixin:
    """Admin lists and foreign-key choices pass through the models' restrict(caller) too."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), get_caller(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and isinstance(field.queryset, ScopedQuerySet):
            field.queryset = field.queryset.restrict(get_caller(request))
        return field


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Read-only view of worker liveness for operations."""

    list_display = ("hostname", "last_seen_at", "beats")
    readonly_fields = ("hostname", "last_seen_at", "beats")

    def has_add_permission(self, request):
        return False


def staff_only_login(login):
    """A signed-in person who is not staff (a dealer's people) gets a page saying the admin is the
    importer's, with the way home, instead of the admin's login form asking them to sign in again."""

    @wraps(login)
    def view(request, extra_context=None):
        user = request.user
        if user.is_authenticated and not user.is_staff:
            return render(request, "core/admin_refused.html", status=403)
        return login(request, extra_context)

    return view


# The admin's login counts failures with the portal's limits, on the same counters: 15 wrong
# passwords there no longer get a 16th try that the portal would refuse.
admin.site.login = staff_only_login(login_rate_limited(admin.site.login))

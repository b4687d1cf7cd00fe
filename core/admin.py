"""Admin pieces every app's admin uses, and core's own admin pages."""

from django.contrib import admin

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


# The admin's login counts failures with the portal's limits, on the same counters: 15 wrong
# passwords there no longer get a 16th try that the portal would refuse.
admin.site.login = login_rate_limited(admin.site.login)

from django.contrib import admin

from core.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Read-only view of worker liveness for operations."""

    list_display = ("hostname", "last_seen_at", "beats")
    readonly_fields = ("hostname", "last_seen_at", "beats")

    def has_add_permission(self, request):
        return False

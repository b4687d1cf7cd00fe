"""notifications/ under /api/v1/: the caller's own notifications, marking them read, their choices.

Notifications are for people. A dealer integration key or a partner key has none: every endpoint
here answers it 403 (`permission_denied`), before anything else is read.
"""

from __future__ import annotations

import django_filters
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from core.api.pagination import CursorPagination
from core.callers import Caller, get_caller
from core.errors import PermissionDenied
from core.notifications import kinds
from core.notifications.models import Notification
from core.notifications.selectors import notification_get, notification_list, preferences_for
from core.notifications.services import (
    notification_mark_read,
    notification_preferences_set,
    notifications_mark_all_read,
)

KEYS_HAVE_NONE = _("Notifications are for people: API keys have none.")


def person(request) -> Caller:
    """The caller, who must be a person (403 for keys; anonymous callers never get this far)."""
    caller = get_caller(request)
    if caller.kind != "user":
        raise PermissionDenied(KEYS_HAVE_NONE)
    return caller


class NotificationSerializer(serializers.ModelSerializer):
    """One notification, its text rendered in the caller's language."""

    subject = serializers.CharField(source="subject_ref", help_text="The subject's public reference.")
    link = serializers.CharField(help_text="The subject's page in the portal (a path).")
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    read = serializers.BooleanField(source="is_read")

    class Meta:
        model = Notification
        fields = ("id", "kind", "subject", "link", "title", "body", "params", "created_at", "read", "read_at")

    def get_title(self, obj: Notification) -> str:
        return obj.title()

    def get_body(self, obj: Notification) -> str:
        return obj.body()


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were unread and now are read.")


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=60)
    label = serializers.CharField(read_only=True)
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()


class PreferencesSerializer(serializers.Serializer):
    preferences = PreferenceSerializer(many=True)


def _preferences_body(caller: Caller) -> dict:
    return {
        "preferences": [
            {"kind": row.kind.key, "label": str(row.kind.label), "in_app": row.in_app, "email": row.email}
            for row in preferences_for(caller=caller)
        ]
    }


class NotificationFilter(django_filters.FilterSet):
    """?unread=true: only the unread ones."""

    unread = django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")], coerce=lambda v: v == "true", method="filter_unread"
    )

    class Meta:
        model = Notification
        fields = ["unread"]

    @extend_schema_field({"type": "string", "enum": ["true", "false"]})
    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value else queryset


class NotificationPagination(CursorPagination):
    ordering = ("-created_at", "-id")


ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The notification's id.")


class NotificationListView(GenericAPIView):
    """GET notifications/: the caller's own, newest first."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    pagination_class = NotificationPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no caller
            return Notification.objects.none()
        return notification_list(caller=person(self.request))

    @extend_schema(
        summary="Your notifications, newest first (people only: 403 for API keys)",
        operation_id="notifications_list",
        tags=["notifications"],
        responses={200: NotificationSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)


class NotificationReadView(GenericAPIView):
    """POST notifications/{id}/read/: mark one read (a repeat changes nothing)."""

    serializer_class = NotificationSerializer

    @extend_schema(
        summary="Mark one of your notifications read",
        operation_id="notifications_read",
        tags=["notifications"],
        parameters=[ID],
        request=None,
        responses={200: NotificationSerializer},
    )
    def post(self, request, pk: int):
        caller = person(request)
        notification = notification_get(caller=caller, pk=pk)
        notification = notification_mark_read(notification=notification, actor=caller.actor)
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(GenericAPIView):
    """POST notifications/read-all/: mark every unread one read."""

    serializer_class = ReadAllSerializer

    @extend_schema(
        summary="Mark all your notifications read",
        operation_id="notifications_read_all",
        tags=["notifications"],
        request=None,
        responses={200: ReadAllSerializer},
    )
    def post(self, request):
        caller = person(request)
        return Response({"marked": notifications_mark_all_read(actor=caller.actor)})


class NotificationPreferencesView(GenericAPIView):
    """GET|PUT notifications/preferences/: per kind, in the portal and by e-mail."""

    serializer_class = PreferencesSerializer
    # DRF's OPTIONS metadata looks up an object for PUT (this view has none): OPTIONS is 405 here.
    metadata_class = None

    @extend_schema(
        summary="Your choices per kind of notification: in the portal, by e-mail",
        operation_id="notifications_preferences_retrieve",
        tags=["notifications"],
        responses={200: PreferencesSerializer},
    )
    def get(self, request):
        return Response(_preferences_body(person(request)))

    @extend_schema(
        summary="Set your choices for the kinds you name (the others keep theirs)",
        operation_id="notifications_preferences_update",
        tags=["notifications"],
        request=PreferencesSerializer,
        responses={200: PreferencesSerializer},
    )
    def put(self, request):
        caller = person(request)
        serializer = PreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        choices = {
            row["kind"]: (row["in_app"], row["email"]) for row in serializer.validated_data["preferences"]
        }
        notification_preferences_set(
            actor=caller.actor, allowed=[kind.key for kind in kinds.kinds_for(caller)], choices=choices
        )
        return Response(_preferences_body(caller))


urlpatterns = [
    path("notifications/", NotificationListView.as_view(), name="notification-list"),
    path("notifications/read-all/", NotificationReadAllView.as_view(), name="notification-read-all"),
    path(
        "notifications/preferences/", NotificationPreferencesView.as_view(), name="notification-preferences"
    ),
    path("notifications/<int:pk>/read/", NotificationReadView.as_view(), name="notification-read"),
]

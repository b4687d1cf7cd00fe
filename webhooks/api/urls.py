"""Routes of the webhooks API under /api/v1/webhooks/."""

from django.urls import path

from webhooks.api import views

urlpatterns = [
    path("webhooks/endpoints/", views.EndpointListView.as_view(), name="webhook-endpoint-list"),
    path("webhooks/endpoints/<int:pk>/", views.EndpointDetailView.as_view(), name="webhook-endpoint-detail"),
    path(
        "webhooks/endpoints/<int:pk>/rotate-secret/",
        views.EndpointRotateView.as_view(),
        name="webhook-endpoint-rotate",
    ),
    path("webhooks/endpoints/<int:pk>/test/", views.EndpointTestView.as_view(), name="webhook-endpoint-test"),
    path(
        "webhooks/endpoints/<int:pk>/replay/",
        views.EndpointReplayView.as_view(),
        name="webhook-endpoint-replay",
    ),
    path(
        "webhooks/endpoints/<int:pk>/deliveries/",
        views.EndpointDeliveriesView.as_view(),
        name="webhook-endpoint-deliveries",
    ),
    path("webhooks/deliveries/", views.DeliveryListView.as_view(), name="webhook-delivery-list"),
    path("webhooks/deliveries/<int:pk>/", views.DeliveryDetailView.as_view(), name="webhook-delivery-detail"),
    path(
        "webhooks/deliveries/<int:pk>/replay/",
        views.DeliveryReplayView.as_view(),
        name="webhook-delivery-replay",
    ),
]

"""The back office's review queue (namespace `compliance-office`, under /office/reviews/)."""

from django.urls import path

from compliance import views

app_name = "compliance-office"

urlpatterns = [
    path("", views.review_queue_page, name="reviews"),
    path("<int:pk>/approve/", views.review_approve, name="approve"),
    path("<int:pk>/reject/", views.review_reject, name="reject"),
]

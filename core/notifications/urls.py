"""The notification pages of the portal (namespace `notifications`, under /notifications/)."""

from django.urls import path

from core.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_page, name="list"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("preferences/", views.preferences_page, name="preferences"),
    path("<int:pk>/read/", views.notification_read, name="read"),
]

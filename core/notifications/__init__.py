"""Notifications: in-app messages and e-mails to people, the shared machinery.

Core keeps the rows (`Notification`, `NotificationPreference`), the registry of kinds (`kinds`), the
delivery service that writes them and sends the e-mails (`services.notifications_deliver`), the
reads (`selectors`), the API (`api`) and the portal pages (`views`). It knows no app: each app
registers its kinds in `AppConfig.ready()` and decides who hears of what (importorders: the order
pipeline, `importorders.notifications`). docs/notifications.md says what is sent to whom, when.
"""

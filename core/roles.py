"""Back-office groups, created by a data migration and by seed_demo."""

from django.contrib.auth.models import Group

OPERATIONS = "operations"
COMPLIANCE = "compliance"
BACK_OFFICE_GROUPS = (OPERATIONS, COMPLIANCE)


def back_office_groups_ensure() -> None:
    """Create the back-office groups if they do not exist yet."""
    for name in BACK_OFFICE_GROUPS:
        Group.objects.get_or_create(name=name)

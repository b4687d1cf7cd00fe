"""Role names. Back-office roles are Django groups (created by a data migration and seed_demo)."""

from django.contrib.auth.models import Group

OPERATIONS = "operations"
COMPLIANCE = "compliance"
ADMIN = "admin"
BACK_OFFICE_GROUPS = (OPERATIONS, COMPLIANCE)

DEALER_MANAGER = "dealer_manager"
DEALER_SALES = "dealer_sales"
DEALER_INTEGRATION = "dealer_integration"
PARTNER = "partner"


def back_office_groups_ensure() -> None:
    """Create the back-office groups if they do not exist yet."""
    for name in BACK_OFFICE_GROUPS:
        Group.objects.get_or_create(name=name)


# Model permissions each back-office group holds in the admin, declared by the app that owns the
# models (in its AppConfig.ready) and applied after every migrate.
_GROUP_PERMISSIONS: dict[str, set[str]] = {name: set() for name in BACK_OFFICE_GROUPS}


def grant(group: str, *permissions: str) -> None:
    """Declare that a back-office group holds these permissions ("app_label.codename")."""
    _GROUP_PERMISSIONS[group].update(permissions)


def back_office_permissions_sync(**kwargs) -> None:
    """Create the groups and give each exactly its declared permissions (post_migrate handler)."""
    from django.contrib.auth.models import Permission

    back_office_groups_ensure()
    for name, declared in _GROUP_PERMISSIONS.items():
        wanted = []
        for permission in sorted(declared):
            app_label, codename = permission.split(".", 1)
            found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if found is not None:  # not yet created on the first migrate of a fresh database
                wanted.append(found)
        Group.objects.get(name=name).permissions.set(wanted)

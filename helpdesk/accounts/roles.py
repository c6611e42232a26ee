"""Staff roles: which Django permissions each group carries.

Later features add their permissions here; `roles_sync` runs after every migrate, so a
new permission reaches the groups without a hand-written data migration.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

AGENT = "Agent"
MANAGER = "Manager"

ROLE_PERMISSIONS: dict[str, set[str]] = {
    AGENT: {
        "wagtailadmin.access_admin",
        "customers.view_customer",
        "orders.view_order",
    },
    MANAGER: {
        "wagtailadmin.access_admin",
        "customers.view_customer",
        "customers.change_customer",
        "orders.view_order",
        "api.view_apikey",
    },
}


def _permission(code: str) -> Permission | None:
    app_label, codename = code.split(".", 1)
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    """Create the role groups and give each exactly the permissions listed for it."""
    groups = {}
    for name, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [perm for perm in map(_permission, sorted(codes)) if perm is not None]
        group.permissions.set(permissions)
        groups[name] = group
    return groups


def user_roles(user) -> set[str]:
    """Return the role names a user holds ('Admin' for superusers)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    roles = set(user.groups.values_list("name", flat=True)) & set(ROLE_PERMISSIONS)
    if user.is_superuser:
        roles.add("Admin")
    return roles


def is_agent(user) -> bool:
    return bool(user_roles(user) & {AGENT, MANAGER, "Admin"})


def is_manager(user) -> bool:
    return bool(user_roles(user) & {MANAGER, "Admin"})

"""Staff roles: which Django permissions each group carries.

- *Agent*: answers customers: works tickets in the inbox. Staff status (so the Django admin opens, showing only what the
  permissions below allow: customers and orders, read-only) and access to the Wagtail admin,
  where the knowledge base is edited.
- *Manager*: everything an agent may do, plus correcting customer records, seeing the
  shop's API keys, and setting up macros, teams, business-hours calendars and SLA policies.
- *Admin*: a superuser; holds every permission and is not a group.

Wagtail grants page, image and document rights per subtree or collection
(`GroupPagePermission`, `GroupCollectionPermission`), not through these model permissions;
the knowledge base grants them to these groups where it creates its page tree.

Later features add their permissions here; `roles_sync` runs after every migrate, so a new
permission reaches the groups without a hand-written data migration.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction

AGENT = "Agent"
MANAGER = "Manager"
ADMIN = "Admin"

_AGENT_PERMISSIONS = {
    "wagtailadmin.access_admin",
    "simple_translation.submit_translation",  # "Translate" a help-centre page into another language
    "customers.view_customer",
    "orders.view_order",
    "tickets.view_ticket",
    "tickets.add_ticket",
    "tickets.change_ticket",
    "tickets.view_macro",
    "tickets.view_team",
    "tickets.view_tag",
    "sla.view_calendar",
    "sla.view_slapolicy",
    "chat.view_conversation",
    "credits.view_creditreason",
    "surveys.view_surveyresponse",
}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    AGENT: _AGENT_PERMISSIONS,
    MANAGER: _AGENT_PERMISSIONS
    | {
        "customers.change_customer",
        "api.view_apikey",
        "tickets.add_macro",
        "tickets.change_macro",
        "tickets.delete_macro",
        "tickets.add_team",
        "tickets.change_team",
        "sla.add_calendar",
        "sla.change_calendar",
        "sla.delete_calendar",
        "sla.add_slapolicy",
        "sla.change_slapolicy",
        "sla.delete_slapolicy",
        "chat.view_chatsettings",
        "chat.change_chatsettings",
        "credits.add_creditreason",
        "credits.change_creditreason",
        "credits.view_creditlimit",
        "credits.add_creditlimit",
        "credits.change_creditlimit",
        "credits.delete_creditlimit",
        "credits.view_creditrequest",
        "credits.view_creditaccount",
        "credits.view_creditentry",
        "surveys.view_surveysettings",
        "surveys.change_surveysettings",
        "surveys.view_exitreason",
        "surveys.add_exitreason",
        "surveys.change_exitreason",
        "surveys.view_survey",
        "reports.view_reports",
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
    # Kept on the user object, which lives for one request: a page asks several times.
    cached = getattr(user, "_helpdesk_roles", None)
    if cached is None:
        remember_groups(user, user.groups.values_list("name", flat=True))
        cached = user._helpdesk_roles
    return set(cached)


def remember_groups(user, names: Iterable[str]) -> None:
    """Keep the roles of the user's group `names` on the user object (read with the permissions, see backends)."""
    roles = set(names) & set(ROLE_PERMISSIONS)
    if user.is_superuser:
        roles.add(ADMIN)
    user._helpdesk_roles = frozenset(roles)


def is_agent(user) -> bool:
    return bool(user_roles(user) & {AGENT, MANAGER, ADMIN})


def is_manager(user) -> bool:
    return bool(user_roles(user) & {MANAGER, ADMIN})

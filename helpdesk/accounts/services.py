"""Write path for staff accounts."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import ROLE_PERMISSIONS, roles_sync


@transaction.atomic
def staff_user_ensure(*, email: str, password: str, role: str, full_name: str = "") -> User:
    """Create or update a staff member with exactly one role; idempotent."""
    if role not in ROLE_PERMISSIONS:
        raise ValueError(f"Unknown role {role!r}; expected one of {sorted(ROLE_PERMISSIONS)}.")
    first, _, last = full_name.partition(" ")
    user, created = User.objects.get_or_create(
        email=email.lower(), defaults={"first_name": first, "last_name": last, "is_staff": True}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    elif not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    if not Group.objects.filter(name=role).exists():
        roles_sync()
    user.groups.set([Group.objects.get(name=role)])
    user._helpdesk_roles = None
    return user


@transaction.atomic
def staff_preferences_update(
    *, user: User, preferred_language: str, sla_alert_emails: bool, ticket_emails: bool = False
) -> User:
    """Save what a staff member chose for themselves: the language of their emails, and which emails they get."""
    user.preferred_language = preferred_language
    user.sla_alert_emails = sla_alert_emails
    user.ticket_emails = ticket_emails
    user.save(update_fields=["preferred_language", "sla_alert_emails", "ticket_emails"])
    return user

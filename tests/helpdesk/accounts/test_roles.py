import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal

from helpdesk.accounts.models import User
from helpdesk.accounts.roles import (
    ADMIN,
    AGENT,
    MANAGER,
    ROLE_PERMISSIONS,
    is_agent,
    is_manager,
    roles_sync,
    user_roles,
)
from helpdesk.accounts.services import staff_user_ensure
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _codes(group: Group) -> set[str]:
    return {
        f"{app}.{codename}" for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_each_role_holds_exactly_its_listed_permissions():
    groups = roles_sync()

    assert set(groups) == {AGENT, MANAGER}
    for name, codes in ROLE_PERMISSIONS.items():
        assert _codes(Group.objects.get(name=name)) == codes


def test_a_manager_may_do_everything_an_agent_may():
    assert ROLE_PERMISSIONS[AGENT] < ROLE_PERMISSIONS[MANAGER]


def test_syncing_twice_changes_nothing():
    first = {name: (group.pk, _codes(group)) for name, group in roles_sync().items()}

    second = {name: (group.pk, _codes(group)) for name, group in roles_sync().items()}

    assert second == first
    assert Group.objects.filter(name__in=ROLE_PERMISSIONS).count() == len(ROLE_PERMISSIONS)


def test_syncing_undoes_hand_edits_to_a_role():
    agent = roles_sync()[AGENT]
    agent.permissions.add(Permission.objects.get(codename="delete_customer"))
    agent.permissions.remove(Permission.objects.get(codename="view_order"))

    roles_sync()

    assert _codes(agent) == ROLE_PERMISSIONS[AGENT]


def test_migrate_creates_the_roles():
    Group.objects.filter(name__in=ROLE_PERMISSIONS).delete()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    for name, codes in ROLE_PERMISSIONS.items():
        assert _codes(Group.objects.get(name=name)) == codes


def test_staff_user_ensure_gives_exactly_one_role_and_keeps_the_password():
    user = staff_user_ensure(email="Sara@Example.com", password=PASSWORD, role=AGENT, full_name="Sara Ahmadi")

    again = staff_user_ensure(email="sara@example.com", password="another password", role=MANAGER)

    assert again.pk == user.pk
    assert (again.email, again.first_name, again.last_name, again.is_staff) == (
        "sara@example.com",
        "Sara",
        "Ahmadi",
        True,
    )
    assert list(again.groups.values_list("name", flat=True)) == [MANAGER]
    assert again.check_password(PASSWORD)


def test_staff_user_ensure_makes_an_existing_user_staff():
    User.objects.create_user("omar@example.com", PASSWORD)

    user = staff_user_ensure(email="omar@example.com", password=PASSWORD, role=AGENT)

    assert user.is_staff


def test_staff_user_ensure_refuses_an_unknown_role():
    with pytest.raises(ValueError, match="Unknown role 'Owner'"):
        staff_user_ensure(email="x@example.com", password=PASSWORD, role="Owner")

    assert not User.objects.filter(email="x@example.com").exists()


def test_roles_of_the_cast(agent_sara, manager_lina, admin_user):
    assert (user_roles(agent_sara), is_agent(agent_sara), is_manager(agent_sara)) == ({AGENT}, True, False)
    assert (user_roles(manager_lina), is_agent(manager_lina), is_manager(manager_lina)) == ({MANAGER}, True, True)
    assert (user_roles(admin_user), is_agent(admin_user), is_manager(admin_user)) == ({ADMIN}, True, True)


def test_a_deactivated_agent_holds_no_role(agent_sara):
    agent_sara.is_active = False
    agent_sara.save(update_fields=["is_active"])

    assert user_roles(agent_sara) == set()
    assert not is_agent(agent_sara)


def test_emails_are_kept_in_lower_case_when_edited_in_the_admin():
    user = User(email="Lina@Example.COM")

    user.clean()

    assert user.email == "lina@example.com"

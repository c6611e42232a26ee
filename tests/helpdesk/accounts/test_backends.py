"""Permissions come from the user's groups and their own grants, read in one query."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

pytestmark = pytest.mark.django_db


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_group_and_own_permissions_are_read_together(agent_sara, django_assert_num_queries):
    agent_sara.user_permissions.add(Permission.objects.get(codename="change_macro"))
    sara = _fresh(agent_sara)

    with django_assert_num_queries(1):
        assert sara.has_perm("tickets.view_ticket")  # from the Agent group
        assert sara.has_perm("tickets.change_macro")  # granted to her alone
        assert not sara.has_perm("tickets.delete_macro")

    assert "tickets.change_macro" in sara.get_user_permissions()
    assert "tickets.change_macro" not in sara.get_group_permissions()


def test_inactive_users_and_object_checks_have_no_permissions(agent_sara):
    agent_sara.is_active = False
    agent_sara.save()

    assert not _fresh(agent_sara).has_perm("tickets.view_ticket")
    assert _fresh(agent_sara).get_all_permissions(obj=object()) == set()


def test_superusers_hold_every_permission(admin_user):
    assert _fresh(admin_user).has_perm("sla.delete_slapolicy")
    assert "chat.change_chatsettings" in _fresh(admin_user).get_all_permissions()


def test_the_roles_come_with_the_permissions(agent_sara, manager_lina, django_assert_num_queries):
    from helpdesk.accounts.roles import is_agent, is_manager

    sara, lina = _fresh(agent_sara), _fresh(manager_lina)
    with django_assert_num_queries(2):  # one each
        assert sara.has_perm("tickets.view_ticket")
        assert is_agent(sara)
        assert not is_manager(sara)
        assert lina.has_perm("sla.change_slapolicy")
        assert is_manager(lina)


def test_roles_asked_first_are_read_on_their_own(agent_sara, django_assert_num_queries):
    from helpdesk.accounts.roles import is_agent

    sara = _fresh(agent_sara)
    with django_assert_num_queries(1):
        assert is_agent(sara)
    with django_assert_num_queries(1):
        assert sara.has_perm("tickets.view_ticket")

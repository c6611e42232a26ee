"""Managers set the bot's greeting, handoff words and chat hours; each change is kept in history."""

import pytest

from chat.models import ChatSettings
from chat.services import chat_settings_current

pytestmark = pytest.mark.django_db


def test_the_settings_row_exists_with_defaults_once_asked_for():
    first = chat_settings_current()
    assert chat_settings_current().pk == first.pk
    assert "refund" in first.handoff_keywords.split("\n")
    assert ChatSettings.objects.count() == 1


def test_a_manager_edits_the_greeting_in_the_admin_and_history_says_who(client, manager_lina):
    row = chat_settings_current()
    client.force_login(manager_lina)

    response = client.post(
        f"/admin/chat/chatsettings/{row.pk}/change/",
        {
            "greeting_en": "Hi! Ask me anything.",
            "greeting_ar": "",
            "greeting_fa": "سلام!",
            "handoff_keywords": "refund",
        },
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.greeting_fa, row.handoff_keywords) == ("سلام!", "refund")
    assert row.history.latest().history_user == manager_lina


def test_agents_may_not_change_chat_settings_and_nobody_adds_a_second_row(client, agent_sara, admin_user):
    row = chat_settings_current()
    client.force_login(agent_sara)
    assert client.get(f"/admin/chat/chatsettings/{row.pk}/change/").status_code == 403
    client.force_login(admin_user)
    assert client.get("/admin/chat/chatsettings/add/").status_code == 403

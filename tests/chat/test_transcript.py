"""The customer record lists the customer's tickets and chats; a chat's transcript is one click away."""

import pytest

from chat.models import AuthorKind, Conversation
from chat.services import chat_accept, chat_end, chat_handoff, chat_message_post, chat_rate, conversation_start
from helpdesk.tickets.services import ticket_create
from tests.helpdesk.permissions import (
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    STAFF_SIGN_IN,
    Row,
    cases,
    check_row,
)

pytestmark = pytest.mark.django_db

NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def chat_reza(customer_reza, agent_sara) -> Conversation:
    """Reza asked the bot, then Sara: a chat with every kind of line, ended and rated."""
    chat = conversation_start(visitor_key="k" * 30, locale="fa", customer=customer_reza)
    chat_message_post(conversation=chat, body="سفارشم <b>کجاست</b>؟", client_id="c-1")
    chat_message_post(
        conversation=chat,
        body="این مقاله شاید کمک کند.",
        by=AuthorKind.BOT,
        payload={"articles": [{"title": "پیگیری سفارش", "snippet": "", "url": "http://testserver/fa/help/track/"}]},
    )
    chat_handoff(conversation=chat)
    chat_accept(conversation=chat, agent=agent_sara)
    chat_message_post(conversation=chat, body="Hi Reza, it ships today.", by=agent_sara)
    chat_end(conversation=chat, by=agent_sara)
    return chat_rate(conversation=chat, score=4, comment="سریع بود")


def test_the_customer_record_lists_tickets_and_chats(client, agent_sara, customer_reza, chat_reza):
    ticket_create(customer=customer_reza, subject="Broken zipper", body="It broke.", channel="web", locale="en")
    client.force_login(agent_sara)

    page = client.get(f"/en/staff/customers/{customer_reza.public_id}/").content.decode()

    assert "Tickets" in page and "Broken zipper" in page
    assert "Chats" in page and "4 of 5" in page and "Sara Ahmadi" in page
    assert f"/en/staff/chat/transcripts/{chat_reza.public_id}/" in page


def test_a_customer_without_contact_says_so(client, agent_sara, customer_emma):
    client.force_login(agent_sara)

    page = client.get(f"/en/staff/customers/{customer_emma.public_id}/").content.decode()

    assert "No tickets yet." in page and "No chats yet." in page


def test_the_transcript_shows_every_line_as_text(client, agent_sara, chat_reza):
    client.force_login(agent_sara)

    page = client.get(f"/en/staff/chat/transcripts/{chat_reza.public_id}/").content.decode()

    assert "سفارشم &lt;b&gt;کجاست&lt;/b&gt;؟" in page  # the visitor's words, inert
    assert "پیگیری سفارش" in page and 'href="http://testserver/fa/help/track/"' in page
    assert "Sara joined the chat." in page
    assert page.count("Hi Reza, it ships today.") == 1
    assert "TranscriptLine(" not in page
    assert "The chat ended." in page
    assert "4 of 5" in page and "سریع بود" in page


ROWS = [
    Row(method="GET", url="/en/staff/chat/transcripts/{chat_reza.public_id}/", anonymous=STAFF_SIGN_IN,
        customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN, agent_sara=OK, manager_lina=OK, admin_user=OK),
    Row(method="GET", url=f"/en/staff/chat/transcripts/{NO_SUCH_ID}/", anonymous=STAFF_SIGN_IN,
        customer_reza=STAFF_SIGN_IN, customer_emma=STAFF_SIGN_IN,
        agent_sara=NOT_FOUND, manager_lina=NOT_FOUND, admin_user=NOT_FOUND),
    Row(method="POST", url="/en/staff/chat/transcripts/{chat_reza.public_id}/", anonymous=NOT_ALLOWED,
        customer_reza=NOT_ALLOWED, customer_emma=NOT_ALLOWED,
        agent_sara=NOT_ALLOWED, manager_lina=NOT_ALLOWED, admin_user=NOT_ALLOWED),
]  # fmt: skip


@pytest.mark.parametrize(("row", "actor"), cases(ROWS))
def test_who_may_read_a_transcript(client, request, row, actor, customer_emma, manager_lina, admin_user, chat_reza):
    check_row(client, request, row, actor)

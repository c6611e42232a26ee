"""The agents' chat console page and its endpoints: the queue as rendered, canned replies, the panel, tickets."""

import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chat.console_views import chat_macro_values
from chat.models import Conversation
from chat.services import chat_accept, chat_handoff, chat_message_post, conversation_start, visitor_key_new
from helpdesk.orders.models import Order
from helpdesk.tickets.macros import PLACEHOLDERS
from helpdesk.tickets.models import Channel, Macro, MacroText, Ticket, TicketRequest
from helpdesk.tickets.services import ticket_create
from tests.conftest import REZA, make_order

pytestmark = pytest.mark.django_db

REZA_ASKS = "سلام، سفارش ORD-REZA-1 من هنوز نرسیده. کجاست؟"


def a_chat(*, customer=None, locale="fa", said=(REZA_ASKS,), waited=timedelta(0), agent=None) -> Conversation:
    """A conversation whose visitor wrote `said`, asked for a person `waited` ago, and (given an agent) was taken."""
    chat = conversation_start(visitor_key=visitor_key_new(), locale=locale, customer=customer)
    for number, body in enumerate(said):
        chat_message_post(conversation=chat, body=body, client_id=f"v-{number}")
    chat_handoff(conversation=chat)
    Conversation.objects.filter(pk=chat.pk).update(queued_at=timezone.now() - waited)
    if agent is not None:
        chat_accept(conversation=chat, agent=agent)
    chat.refresh_from_db()
    return chat


@pytest.fixture
def chat_sara(agent_sara, customer_reza):
    """Reza's chat, in Persian, that Sara took."""
    return a_chat(customer=customer_reza, agent=agent_sara)


def shipped_macro() -> Macro:
    """A canned reply in English and Persian with the customer's, the order's and the agent's placeholders."""
    macro = Macro.objects.create(name="Shipped")
    MacroText.objects.create(
        macro=macro, locale="en", body="Hi {first_name}, order {order_number} is on its way. {agent_name}"
    )
    MacroText.objects.create(
        macro=macro, locale="fa", body="سلام {first_name}، سفارش {order_number} ارسال شد. {agent_name}"
    )
    return macro


@pytest.fixture
def macro_shipped(db):
    return shipped_macro()


def page_config(response) -> dict:
    found = re.search(r'<script id="console-config" type="application/json">(.*?)</script>', response.text, re.S)
    assert found, "the page embeds no config for the script"
    return json.loads(found.group(1))


def text_of(response) -> str:
    """The response's text as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


# The page.


def test_the_page_lists_waiting_chats_longest_first_with_who_what_and_how_long(client, agent_sara, customer_reza):
    a_chat(locale="en", said=("my parcel is late",), waited=timedelta(seconds=95))
    a_chat(customer=customer_reza, waited=timedelta(minutes=4, seconds=5))
    client.force_login(agent_sara)

    response = client.get("/en/staff/chat/")

    assert response.status_code == 200
    shown = text_of(response)
    queue = shown[shown.index("Waiting 2") : shown.index("Your chats")]
    assert re.search(r"رضا محمدی فارسی " + re.escape(REZA_ASKS) + r" Waiting 4:0[5-7] Accept", queue), queue
    assert re.search(r"Visitor English my parcel is late Waiting 1:3[5-7] Accept", queue), queue
    assert queue.index("رضا محمدی") < queue.index("my parcel is late")
    assert "You have no open chats." in shown


def test_the_page_shows_the_agents_own_chats_apart_from_the_queue(client, agent_sara, agent_omar, chat_sara):
    a_chat(locale="en", said=("Omar has this one",), agent=agent_omar)
    client.force_login(agent_sara)

    shown = text_of(client.get("/en/staff/chat/"))

    mine = shown[shown.index("Your chats") :]
    assert "رضا محمدی" in mine and REZA_ASKS in mine
    assert "No one is waiting." in shown
    assert "Omar has this one" not in shown


def test_the_page_hands_the_script_its_socket_words_and_colleagues(client, agent_sara, agent_omar, manager_lina):
    inactive = Macro.objects.create(name="Old greeting", active=False)
    Macro.objects.create(name="Shipped")
    client.force_login(agent_sara)

    response = client.get("/en/staff/chat/")

    config = page_config(response)
    assert (config["socket"], config["user"], config["language"]) == ("/ws/chat/agent/", agent_sara.pk, "en")
    assert config["strings"]["typing"] == "Visitor is typing…"
    assert config["strings"]["waiting"] == "Waiting %(time)s"
    assert config["strings"]["seen"] == "Seen"
    assert config["agents"][str(agent_omar.pk)] == "Omar Haddad"
    assert config["panelUrl"] == f"/en/staff/chat/{config['placeholder']}/panel/"
    assert config["macroUrl"] == f"/en/staff/chat/{config['placeholder']}/macros/0/"
    assert config["statuses"]["ended"] == "Ended"
    transfer = re.search(r'<select id="transfer-to".*?</select>', response.text, re.S).group(0)
    assert "Omar Haddad" in transfer and "Lina Karimi" in transfer and "Sara Ahmadi" not in transfer
    canned = re.search(r'<select id="canned".*?</select>', response.text, re.S).group(0)
    assert "Shipped" in canned and inactive.name not in canned


def test_the_page_costs_the_same_queries_however_many_chats_wait(client, agent_sara, django_assert_max_num_queries):
    a_chat(locale="en", said=("first",))
    client.force_login(agent_sara)
    client.get("/en/staff/chat/")

    with CaptureQueriesContext(connection) as one_chat:
        client.get("/en/staff/chat/")
    for number in range(5):
        a_chat(locale="fa", said=(f"chat {number}",), agent=agent_sara if number % 2 else None)

    with django_assert_max_num_queries(len(one_chat)):
        response = client.get("/en/staff/chat/")

    assert "chat 4" in response.text


def test_the_persian_page_reads_right_to_left_with_persian_digits(client, agent_sara):
    a_chat(locale="en", said=("hello",), waited=timedelta(seconds=65))
    client.force_login(agent_sara)

    response = client.get("/fa/staff/chat/")

    assert re.search(r'<html lang="fa" dir="rtl">', response.text)
    assert re.search(r"۱:۰[۵-۷]", text_of(response))
    assert page_config(response)["language"] == "fa"


def test_what_visitors_wrote_is_shown_as_text(client, agent_sara):
    a_chat(locale="en", said=('<img src=x onerror="alert(1)">',))
    client.force_login(agent_sara)

    response = client.get("/en/staff/chat/")

    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in response.text


# Canned replies.


def test_a_canned_reply_is_filled_in_the_chats_language_for_its_customer(client, agent_sara, chat_sara, macro_shipped):
    later = make_order("ORD-REZA-9", REZA)
    Order.objects.filter(pk=later.pk).update(placed_at=timezone.now() - timedelta(days=1))
    client.force_login(agent_sara)

    response = client.get(f"/en/staff/chat/{chat_sara.public_id}/macros/{macro_shipped.pk}/")

    assert response.status_code == 200
    assert response.json() == {"body": "سلام رضا، سفارش ORD-REZA-9 ارسال شد. Sara Ahmadi"}


def test_an_english_chat_gets_the_english_text(client, agent_sara, customer_emma, macro_shipped):
    chat = a_chat(customer=customer_emma, locale="en", said=("Where is it?",), agent=agent_sara)
    client.force_login(agent_sara)

    response = client.get(f"/en/staff/chat/{chat.public_id}/macros/{macro_shipped.pk}/")

    assert response.json() == {"body": "Hi Emma, order ORD-EMMA-1 is on its way. Sara Ahmadi"}


def test_an_anonymous_visitor_leaves_the_customer_placeholders_empty(client, agent_sara, macro_shipped):
    chat = a_chat(locale="ar", said=("مرحبا",), agent=agent_sara)
    client.force_login(agent_sara)

    response = client.get(f"/en/staff/chat/{chat.public_id}/macros/{macro_shipped.pk}/")

    # No Arabic text: the English one, with nothing to say for the customer and the order.
    assert response.json() == {"body": "Hi , order  is on its way. Sara Ahmadi"}


def test_every_macro_placeholder_has_a_value_in_a_chat(agent_sara, chat_sara):
    chat = Conversation.objects.select_related("customer").get(pk=chat_sara.pk)

    assert set(chat_macro_values(chat, agent_sara)) == set(PLACEHOLDERS)


def test_an_inactive_or_unknown_macro_is_not_found(client, agent_sara, chat_sara, macro_shipped):
    Macro.objects.filter(pk=macro_shipped.pk).update(active=False)
    client.force_login(agent_sara)

    assert client.get(f"/en/staff/chat/{chat_sara.public_id}/macros/{macro_shipped.pk}/").status_code == 404
    assert client.get(f"/en/staff/chat/{chat_sara.public_id}/macros/999999/").status_code == 404


# The customer panel.


def test_the_panel_shows_the_customers_orders_and_earlier_tickets(client, agent_sara, chat_sara, customer_reza):
    earlier = ticket_create(customer=customer_reza, subject="چای شکسته", body="جعبه شکسته بود")
    client.force_login(agent_sara)

    response = client.get(f"/en/staff/chat/{chat_sara.public_id}/panel/")

    assert response.status_code == 200
    shown = text_of(response)
    assert "رضا محمدی reza@example.com" in shown
    assert re.search(r"Orders ORD-REZA-1 · Delivered · 42\.00 USD", shown), shown
    assert f"Earlier tickets #{earlier.pk} چای شکسته" in shown
    assert f'href="/en/staff/tickets/{earlier.pk}/"' in response.text
    assert f'value="{REZA_ASKS}"' in response.text  # the subject a ticket would get
    grant = f"/en/staff/credit/grant/?customer={customer_reza.public_id}&amp;chat={chat_sara.public_id}"
    assert grant in response.text


def test_the_panel_says_when_the_visitor_is_anonymous_and_shows_an_address_they_gave(client, agent_sara):
    chat = a_chat(locale="en", said=("hello",), agent=agent_sara)
    client.force_login(agent_sara)

    before = text_of(client.get(f"/en/staff/chat/{chat.public_id}/panel/"))
    Conversation.objects.filter(pk=chat.pk).update(email="visitor@example.net")
    after = text_of(client.get(f"/en/staff/chat/{chat.public_id}/panel/"))

    assert "An anonymous visitor" in before and "They have not given an email address." in before
    assert "Email address they gave: visitor@example.net" in after


# Converting a chat to a ticket.


def test_converting_writes_a_ticket_with_the_transcript_and_links_it(client, agent_sara, chat_sara, customer_reza):
    chat_message_post(conversation=chat_sara, body="Let me check that order for you.", by=agent_sara, client_id="s-1")
    client.force_login(agent_sara)

    response = client.post(f"/en/staff/chat/{chat_sara.public_id}/ticket/", {"subject": "سفارش ORD-REZA-1 نرسیده"})

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert (ticket.customer, ticket.channel, ticket.subject, ticket.locale) == (
        customer_reza,
        Channel.CHAT,
        "سفارش ORD-REZA-1 نرسیده",
        "fa",
    )
    [opening] = ticket.messages.all()
    assert REZA_ASKS in opening.body and "Let me check that order for you." in opening.body
    assert opening.body.index(REZA_ASKS) < opening.body.index("Let me check that order for you.")
    assert Conversation.objects.get(pk=chat_sara.pk).ticket == ticket
    assert f'href="/en/staff/tickets/{ticket.pk}/"' in response.text
    assert f"Ticket opened with the chat so far: #{ticket.pk}" in text_of(response)


@pytest.mark.parametrize(
    ("subject", "says"),
    [
        ("", "Please write a subject for the ticket."),
        ("   ", "Please write a subject for the ticket."),
        ("x" * 201, "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_a_bad_subject_is_refused_with_400_and_nothing_written(client, agent_sara, chat_sara, subject, says):
    client.force_login(agent_sara)

    response = client.post(f"/en/staff/chat/{chat_sara.public_id}/ticket/", {"subject": subject})

    assert response.status_code == 400
    assert says in text_of(response)
    assert 'aria-invalid="true"' in response.text
    assert not Ticket.objects.exists()
    assert Conversation.objects.get(pk=chat_sara.pk).ticket is None


def test_an_anonymous_chat_without_an_address_cannot_become_a_ticket(client, agent_sara):
    chat = a_chat(locale="en", said=("hello?",), agent=agent_sara)
    client.force_login(agent_sara)

    response = client.post(f"/en/staff/chat/{chat.public_id}/ticket/", {"subject": "hello?"})

    assert response.status_code == 400
    assert "This visitor is anonymous and gave no email address" in text_of(response)
    assert not Ticket.objects.exists() and not TicketRequest.objects.exists()


def test_an_anonymous_chat_with_an_address_asks_the_visitor_to_confirm_it(
    client, agent_sara, mailoutbox, django_capture_on_commit_callbacks
):
    chat = a_chat(locale="en", said=("my parcel is late",), agent=agent_sara)
    Conversation.objects.filter(pk=chat.pk).update(email="visitor@example.net")
    client.force_login(agent_sara)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/staff/chat/{chat.public_id}/ticket/", {"subject": "Late parcel"})

    assert response.status_code == 200
    assert "We've emailed visitor@example.net a link." in text_of(response)
    request = TicketRequest.objects.get()
    assert (request.email, request.subject) == ("visitor@example.net", "Late parcel")
    assert "my parcel is late" in request.body
    assert [message.to for message in mailoutbox] == [["visitor@example.net"]]
    assert not Ticket.objects.exists()


def test_a_chat_already_converted_is_not_converted_twice(client, agent_sara, chat_sara):
    client.force_login(agent_sara)
    client.post(f"/en/staff/chat/{chat_sara.public_id}/ticket/", {"subject": "first"})

    response = client.post(f"/en/staff/chat/{chat_sara.public_id}/ticket/", {"subject": "second"})

    assert response.status_code == 409
    assert "This chat is already a ticket." in text_of(response)
    assert list(Ticket.objects.values_list("subject", flat=True)) == ["first"]


def test_converting_needs_the_csrf_token(agent_sara, chat_sara):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent_sara)

    response = browser.post(f"/en/staff/chat/{chat_sara.public_id}/ticket/", {"subject": "no token"})

    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_the_default_subject_is_the_visitors_first_own_words_shortened(client, agent_sara):
    long_question = "My order arrived without the saffron tea I paid for, and the box " + "was open " * 10
    chat = conversation_start(visitor_key=visitor_key_new(), locale="en")
    chat_message_post(conversation=chat, body="Talk to a person", client_id="b-1", payload={"button": "human"})
    chat_message_post(conversation=chat, body=long_question, client_id="v-1")
    chat_handoff(conversation=chat)
    chat_accept(conversation=chat, agent=agent_sara)
    client.force_login(agent_sara)

    response = client.get(f"/en/staff/chat/{chat.public_id}/panel/")

    subject = re.search(r'id="convert-subject" name="subject" value="([^"]*)"', response.text).group(1)
    assert len(subject) == 80 and subject.endswith("…")
    assert long_question.startswith(subject[:-1])

"""Contact events: a ticket really created or a chat really started counts for the reader's help-centre session."""

import re
from unittest import mock
from urllib.parse import urlsplit

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from chat.protocol import VISITOR_SCHEMAS, validate_frame
from helpdesk.tickets.models import Ticket
from kb.models import ArticleEvent
from kb.services import article_contact_record
from tests.chat.sockets import hello, visitor
from tests.helpdesk.permissions import sign_in_customer

SESSION = "k3Jd9_aZ-0qLm2Xv8TnR4w"
NEW = "/en/support/new/"
TICKET = {"subject": "Parcel arrived damaged", "message": "The box was crushed."}
REQUEST = {"name": "Nour Saleh", "email": "nour@example.com", "subject": "Gift card", "message": "It does not work."}
LINK = re.compile(r"https?://\S+/support/confirm/[^/\s]+/")
MALFORMED = ["short", "x" * 37, "has spaces, not allowed", "k3Jd9_aZ-0qLm2Xv8TnR4w\x00", "<script>alert(1)</script>"]
OPT_OUTS = [pytest.param({"HTTP_DNT": "1"}, id="dnt"), pytest.param({"HTTP_SEC_GPC": "1"}, id="gpc")]


def contacts() -> list[tuple[str, str, str, str, int | None]]:
    return list(ArticleEvent.objects.values_list("session", "kind", "next_kind", "locale", "article_id"))


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """Post as a browser would; work queued on commit runs as the request finishes."""

    def send(url, data, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **headers)

    return send


@pytest.fixture
def emma(client, customer_emma):
    sign_in_customer(client, customer_emma)
    return customer_emma


# The write path


@pytest.mark.django_db
def test_a_contact_is_stored_with_its_session_channel_language_and_time_only():
    event = article_contact_record(session=SESSION, channel="chat", locale="fa")

    stored = ArticleEvent.objects.get()
    assert stored == event
    assert (stored.session, stored.kind, stored.next_kind, stored.locale) == (SESSION, "contact", "chat", "fa")
    assert stored.article is None and stored.value is None
    assert stored.day == timezone.localdate(stored.created_at)


@pytest.mark.django_db
@pytest.mark.parametrize("session", [*MALFORMED, "", None])
def test_an_invalid_session_records_nothing(session):
    assert article_contact_record(session=session, channel="ticket", locale="en") is None
    assert not ArticleEvent.objects.exists()


@pytest.mark.django_db
def test_an_unknown_language_counts_in_the_default_one_and_an_unknown_channel_is_a_programming_error():
    assert article_contact_record(session=SESSION, channel="ticket", locale="de").locale == "en"

    with pytest.raises(ValueError, match="chat or a ticket"):
        article_contact_record(session=SESSION, channel="article", locale="en")
    assert ArticleEvent.objects.count() == 1


# A signed-in customer's ticket


@pytest.mark.django_db
def test_the_new_ticket_page_keeps_the_session_the_article_link_carried(client, emma):
    html = client.get(f"{NEW}?kb_session={SESSION}").content.decode()

    assert f'<input type="hidden" name="kb_session" value="{SESSION}" id="id_kb_session">' in html


@pytest.mark.django_db
@pytest.mark.parametrize("headers", OPT_OUTS)
def test_the_new_ticket_page_drops_the_session_when_the_browser_opts_out(client, emma, headers):
    html = client.get(f"{NEW}?kb_session={SESSION}", **headers).content.decode()

    assert '<input type="hidden" name="kb_session" id="id_kb_session">' in html


@pytest.mark.django_db
def test_a_ticket_created_from_an_article_records_one_contact_without_the_ticket(post, emma):
    response = post(NEW, {**TICKET, "kb_session": SESSION})

    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/support/{ticket.public_id}/"
    assert contacts() == [(SESSION, "contact", "ticket", "en", None)]
    assert str(ticket.public_id) not in str(ArticleEvent.objects.values().get())


@pytest.mark.django_db
@pytest.mark.parametrize("session", MALFORMED)
def test_an_invalid_session_still_creates_the_ticket_without_a_word_to_the_customer(post, emma, session):
    response = post(NEW, {**TICKET, "kb_session": session})

    assert response.status_code == 302
    assert Ticket.objects.count() == 1
    assert not ArticleEvent.objects.exists()


@pytest.mark.django_db
def test_a_ticket_without_a_session_records_nothing(post, emma):
    post(NEW, TICKET)

    assert Ticket.objects.count() == 1 and not ArticleEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("headers", OPT_OUTS)
def test_do_not_track_and_global_privacy_control_record_no_contact(post, emma, headers):
    response = post(NEW, {**TICKET, "kb_session": SESSION}, **headers)

    assert response.status_code == 302
    assert Ticket.objects.count() == 1 and not ArticleEvent.objects.exists()


@pytest.mark.django_db
def test_a_refused_form_keeps_the_session_for_the_next_try_and_records_nothing(post, emma):
    response = post(NEW, {"subject": "", "message": "No subject", "kb_session": SESSION})

    assert response.status_code == 400
    assert f'name="kb_session" value="{SESSION}"' in response.content.decode()
    assert not Ticket.objects.exists() and not ArticleEvent.objects.exists()


# A visitor's ticket, created when they confirm their address


def _confirm_path(mailoutbox) -> str:
    return urlsplit(LINK.search(mailoutbox[-1].body).group(0)).path


@pytest.mark.django_db
def test_the_request_form_keeps_the_session_the_article_link_carried(client):
    html = client.get(f"{NEW}?kb_session={SESSION}").content.decode()

    assert 'name="email"' in html
    assert f'<input type="hidden" name="kb_session" value="{SESSION}" id="id_kb_session">' in html


@pytest.mark.django_db
def test_a_confirmed_request_records_the_contact_at_confirmation_not_before(post, mailoutbox):
    post(NEW, {**REQUEST, "kb_session": SESSION})

    assert not Ticket.objects.exists() and not ArticleEvent.objects.exists()
    email = mailoutbox[0]
    assert SESSION not in email.body + email.alternatives[0][0]  # the session never travels with a person's address

    response = post(_confirm_path(mailoutbox), {})

    assert response.status_code == 302 and Ticket.objects.count() == 1
    assert contacts() == [(SESSION, "contact", "ticket", "en", None)]

    used = post(_confirm_path(mailoutbox[:1]), {})

    assert used.status_code == 400
    assert ArticleEvent.objects.count() == 1


@pytest.mark.django_db
def test_a_persian_request_counts_in_persian(post, mailoutbox):
    post("/fa/support/new/", {**REQUEST, "kb_session": SESSION})
    post(_confirm_path(mailoutbox), {})

    assert contacts() == [(SESSION, "contact", "ticket", "fa", None)]


@pytest.mark.django_db
@pytest.mark.parametrize("on", ["submit", "confirm"])
def test_a_request_sent_or_confirmed_with_do_not_track_records_no_contact(post, mailoutbox, on):
    post(NEW, {**REQUEST, "kb_session": SESSION}, **({"HTTP_DNT": "1"} if on == "submit" else {}))
    post(_confirm_path(mailoutbox), {}, **({"HTTP_DNT": "1"} if on == "confirm" else {}))

    assert Ticket.objects.count() == 1
    assert not ArticleEvent.objects.exists()


@pytest.mark.django_db
def test_a_request_with_an_invalid_session_is_sent_and_confirmed_as_usual(post, mailoutbox):
    sent = post(NEW, {**REQUEST, "kb_session": "not a session"})
    post(_confirm_path(mailoutbox), {})

    assert "Check your email" in sent.content.decode()
    assert Ticket.objects.count() == 1 and not ArticleEvent.objects.exists()


# A chat started on the help centre


@pytest.fixture
def quiet_help_centre():
    """The bot finds nothing and nobody is online."""
    with (
        mock.patch("chat.botflow.kb_search_links", return_value=[]),
        mock.patch("chat.botflow.humans_available", return_value=False),
    ):
        yield


stored_contacts = database_sync_to_async(contacts)


@pytest.mark.django_db(transaction=True)
async def test_a_chat_started_with_a_help_centre_session_records_one_contact(quiet_help_centre):
    socket, welcome, _greeting = await visitor(kb_session=SESSION, locale="fa")

    assert welcome["status"] == "bot"
    assert await stored_contacts() == [(SESSION, "contact", "chat", "fa", None)]
    await socket.disconnect()

    # Coming back to the same conversation is not a second contact.
    again, resumed, _ = await visitor(
        kb_session=SESSION,
        visitor_key=welcome["visitor_key"],
        conversation=welcome["conversation"],
        last_seq=welcome["last_seq"],
    )

    assert resumed["conversation"] == welcome["conversation"]
    assert len(await stored_contacts()) == 1
    await again.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_chat_without_a_session_records_nothing(quiet_help_centre):
    socket, welcome, _greeting = await visitor()

    assert welcome["type"] == "welcome"
    assert await stored_contacts() == []
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("session", [*MALFORMED, 42, None])
async def test_a_malformed_session_is_ignored_and_the_chat_starts_as_usual(quiet_help_centre, session):
    socket, welcome, greeting = await visitor(kb_session=session)

    assert welcome["status"] == "bot" and len(greeting) == 1  # a welcome, no error frame
    assert await stored_contacts() == []
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("header", [(b"dnt", b"1"), (b"sec-gpc", b"1")], ids=["dnt", "gpc"])
async def test_a_socket_opened_with_do_not_track_records_no_contact(quiet_help_centre, header):
    socket, welcome, _greeting = await visitor(header, kb_session=SESSION)

    assert welcome["status"] == "bot"
    assert await stored_contacts() == []
    await socket.disconnect()


def test_the_hello_frame_takes_an_optional_session_and_drops_a_malformed_one():
    assert validate_frame(hello(kb_session=SESSION), VISITOR_SCHEMAS)[1]["kb_session"] == SESSION
    assert validate_frame(hello(), VISITOR_SCHEMAS)[1]["kb_session"] == ""
    assert validate_frame(hello(kb_session=["x" * 30]), VISITOR_SCHEMAS)[1]["kb_session"] == ""

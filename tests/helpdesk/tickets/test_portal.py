"""The customer portal: a signed-in customer opens tickets, reads answers, replies and solves."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from helpdesk.tickets.models import Attachment, Message, Status, Ticket
from helpdesk.tickets.services import ticket_add_note, ticket_create, ticket_merge, ticket_reply, ticket_set_status
from tests.conftest import EMMA, make_order
from tests.helpdesk.permissions import sign_in_customer

pytestmark = pytest.mark.django_db

NEW = "/en/support/new/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png(name="receipt.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def detail_url(ticket, lang="en"):
    return f"/{lang}/support/{ticket.public_id}/"


@pytest.fixture
def emma_ticket(customer_emma):
    return ticket_create(customer=customer_emma, subject="Parcel arrived damaged", body="The box was crushed.")


@pytest.fixture
def post_on_commit(client, django_capture_on_commit_callbacks):
    """Post as a browser would; work queued on commit (emails) runs as the request finishes."""

    def post(url, data=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **extra)

    return post


# The list


def test_the_ticket_list_asks_visitors_to_sign_in_first(client):
    response = client.get("/en/support/")

    assert response.status_code == 302
    assert response["Location"] == "/en/account/sign-in/?next=/en/support/"


def test_a_customer_sees_only_their_own_tickets_with_status_in_words(client, customer_emma, customer_reza):
    ticket_create(customer=customer_emma, subject="Where is my tea?", body="Still waiting.")
    ticket_create(customer=customer_reza, subject="سفارش من کجاست؟", body="منتظرم.")
    sign_in_customer(client, customer_emma)

    html = client.get("/en/support/").content.decode()

    assert "<bdi>Where is my tea?</bdi>" in html
    assert '<span class="status-badge status-new">New</span>' in html
    assert "سفارش" not in html


def test_persian_pages_show_jalali_dates(client, customer_reza):
    ticket = ticket_create(customer=customer_reza, subject="سفارش من کجاست؟", body="منتظرم.")
    sign_in_customer(client, customer_reza)

    html = client.get("/fa/support/").content.decode()

    assert '<html lang="fa" dir="rtl">' in html
    assert "<bdi>سفارش من کجاست؟</bdi>" in html
    year = re.search(r'<time datetime="[^"]+">([^<]+)</time>', html).group(1)
    assert any(ch in year for ch in "۱۲۳۴") and str(ticket.updated_at.year) not in year


def test_the_account_page_leads_to_the_tickets(client, customer_emma):
    sign_in_customer(client, customer_emma)

    html = client.get("/en/account/").content.decode()

    assert 'href="/en/support/"' in html and 'href="/en/support/new/"' in html


# Opening a ticket


def test_the_order_picker_offers_only_the_customers_own_orders(client, customer_emma, customer_reza):
    make_order("ORD-EMMA-2", EMMA)
    sign_in_customer(client, customer_emma)

    html = client.get(NEW).content.decode()

    assert "ORD-EMMA-1" in html and "ORD-EMMA-2" in html
    assert "ORD-REZA-1" not in html
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<input type="file" name="attachments"[^>]* multiple', html)


def test_a_customer_opens_a_ticket_about_an_order_with_files(client, customer_emma, post_on_commit, mailoutbox):
    order = customer_emma.orders.get()
    sign_in_customer(client, customer_emma)

    response = post_on_commit(
        NEW,
        {"subject": "Broken cup", "order": str(order.public_id), "message": "It **broke**.", "attachments": [png()]},
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(ticket)
    assert (ticket.customer, ticket.order, ticket.channel, ticket.locale) == (customer_emma, order, "web", "en")
    assert ticket.messages.get().attachments.get().filename == "receipt.png"
    assert [m.to for m in mailoutbox] == [["emma@example.com"]]
    html = client.get(response["Location"]).content.decode()
    assert "We&#x27;ve got your message." in html
    assert "<strong>broke</strong>" in html
    assert "ORD-EMMA-1" in html and "receipt.png" in html


def test_another_customers_order_is_refused_and_nothing_is_written(client, customer_emma, customer_reza):
    rezas_order = customer_reza.orders.get()
    sign_in_customer(client, customer_emma)

    response = client.post(NEW, {"subject": "Help", "order": str(rezas_order.public_id), "message": "Hi"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert "ORD-REZA-1" not in response.content.decode()
    assert not Ticket.objects.exists()


def test_a_missing_subject_is_shown_in_the_error_summary(client, customer_emma):
    sign_in_customer(client, customer_emma)

    response = client.post(NEW, {"subject": "   ", "message": "Hi"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Please correct the following" in html and 'href="#id_subject"' in html
    assert not Ticket.objects.exists()


def test_a_refused_attachment_is_a_form_error(client, customer_emma):
    sign_in_customer(client, customer_emma)
    program = SimpleUploadedFile("setup.exe", b"MZ\x90\x00 not an image", content_type="image/png")

    response = client.post(NEW, {"subject": "Help", "message": "See file", "attachments": [program]})

    assert response.status_code == 400
    assert "This kind of file cannot be attached." in response.content.decode()
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


# Reading and answering


def test_the_conversation_shows_public_messages_and_agents_by_first_name(
    client, customer_emma, emma_ticket, agent_sara
):
    ticket_reply(
        ticket=emma_ticket, body="Sorry! A new box is on its way.", by=agent_sara, attachments=[png("label.png")]
    )
    ticket_add_note(ticket=emma_ticket, body="Internal: courier at fault", by=agent_sara, attachments=[png("memo.png")])
    sign_in_customer(client, customer_emma)

    html = client.get(detail_url(emma_ticket)).content.decode()

    assert "The box was crushed." in html and "A new box is on its way." in html
    assert "<bdi>Sara</bdi>" in html and "Ahmadi" not in html and "sara@example.com" not in html
    assert "courier at fault" not in html and "memo.png" not in html
    label = Attachment.objects.get(filename="label.png")
    assert f'href="/en/support/attachments/{label.public_id}/"' in html


def test_a_customer_downloads_an_attachment_of_a_public_message_only(client, customer_emma, emma_ticket, agent_sara):
    ticket_reply(ticket=emma_ticket, body="Label attached.", by=agent_sara, attachments=[png("label.png")])
    ticket_add_note(ticket=emma_ticket, body="Internal memo", by=agent_sara, attachments=[png("memo.png")])
    label, memo = Attachment.objects.get(filename="label.png"), Attachment.objects.get(filename="memo.png")
    sign_in_customer(client, customer_emma)

    download = client.get(f"/en/support/attachments/{label.public_id}/")

    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PNG
    assert client.get(f"/en/support/attachments/{memo.public_id}/").status_code == 404


def test_a_customer_replies_with_a_file(client, customer_emma, emma_ticket, agent_sara):
    ticket_reply(ticket=emma_ticket, body="Could you send a photo?", by=agent_sara)
    sign_in_customer(client, customer_emma)

    response = client.post(
        f"{detail_url(emma_ticket)}reply/", {"message": "Here it is.", "attachments": [png("photo.png")]}
    )

    assert response.status_code == 302
    reply = Message.objects.filter(ticket=emma_ticket).last()
    assert (reply.author_kind, reply.body, reply.attachments.get().filename) == ("customer", "Here it is.", "photo.png")
    emma_ticket.refresh_from_db()
    assert emma_ticket.status == Status.OPEN
    assert "Your reply was sent." in client.get(response["Location"]).content.decode()


def test_an_empty_reply_is_refused_on_the_page(client, customer_emma, emma_ticket):
    sign_in_customer(client, customer_emma)

    response = client.post(f"{detail_url(emma_ticket)}reply/", {"message": ""})

    assert response.status_code == 400
    assert "Please correct the following" in response.content.decode()
    assert emma_ticket.messages.count() == 1


def test_a_customer_marks_the_ticket_solved_then_reopens_it_by_replying(
    client, customer_emma, emma_ticket, agent_sara, post_on_commit, mailoutbox
):
    ticket_reply(ticket=emma_ticket, body="Refund sent.", by=agent_sara)
    sign_in_customer(client, customer_emma)
    assert "Mark as solved" in client.get(detail_url(emma_ticket)).content.decode()

    response = post_on_commit(f"{detail_url(emma_ticket)}solve/")

    emma_ticket.refresh_from_db()
    assert response.status_code == 302 and emma_ticket.status == Status.SOLVED
    html = client.get(detail_url(emma_ticket)).content.decode()
    assert "marked your ticket as solved" in html
    assert "Mark as solved" not in html and "it opens again" in html

    client.post(f"{detail_url(emma_ticket)}reply/", {"message": "Actually, it has not arrived."})

    emma_ticket.refresh_from_db()
    assert emma_ticket.status == Status.OPEN


def test_a_closed_ticket_offers_a_new_one_instead_of_a_reply_box(client, customer_emma, emma_ticket, agent_sara):
    ticket_set_status(ticket=emma_ticket, status=Status.CLOSED, by=agent_sara)
    sign_in_customer(client, customer_emma)

    html = client.get(detail_url(emma_ticket)).content.decode()
    refused = client.post(f"{detail_url(emma_ticket)}reply/", {"message": "Hello?"})

    assert "This ticket is closed." in html and 'href="/en/support/new/"' in html
    assert "<textarea" not in html and "Mark as solved" not in html
    assert refused.status_code == 400
    assert "This ticket is closed. Please open a new one." in refused.content.decode()
    assert emma_ticket.messages.count() == 1


# Someone else's ticket


def test_another_customer_gets_404_everywhere_and_nothing_changes(client, customer_reza, emma_ticket, agent_sara):
    ticket_reply(ticket=emma_ticket, body="Label attached.", by=agent_sara, attachments=[png("label.png")])
    attachment = Attachment.objects.get()
    sign_in_customer(client, customer_reza)

    responses = [
        client.get(detail_url(emma_ticket)),
        client.post(f"{detail_url(emma_ticket)}reply/", {"message": "I am Emma"}),
        client.post(f"{detail_url(emma_ticket)}solve/"),
        client.get(f"/en/support/attachments/{attachment.public_id}/"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert all("crushed" not in r.content.decode() for r in responses[:3])
    emma_ticket.refresh_from_db()
    assert emma_ticket.status == Status.OPEN and emma_ticket.messages.count() == 2


def test_visitors_are_sent_to_sign_in_from_a_ticket(client, emma_ticket):
    url = detail_url(emma_ticket)

    assert client.get(url)["Location"] == f"/en/account/sign-in/?next={url}"
    assert client.post(f"{url}reply/", {"message": "x"})["Location"].startswith("/en/account/sign-in/")
    assert client.post(f"{url}solve/")["Location"].startswith("/en/account/sign-in/")
    assert emma_ticket.messages.count() == 1


def test_a_merged_ticket_leads_to_the_one_it_joined_with_the_whole_conversation(
    client, customer_emma, emma_ticket, agent_sara
):
    duplicate = ticket_create(customer=customer_emma, subject="Damaged parcel again", body="Same box, second email.")
    ticket_merge(source=duplicate, target=emma_ticket, by=agent_sara)
    sign_in_customer(client, customer_emma)

    response = client.get(detail_url(duplicate), follow=True)

    assert response.redirect_chain[-1][0] == detail_url(emma_ticket)
    html = response.content.decode()
    assert "The box was crushed." in html and "Same box, second email." in html
    assert "joined with another of yours" in html

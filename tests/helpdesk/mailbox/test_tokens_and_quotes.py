"""Reply addresses that cannot be forged or kept forever, and replies without their quoted history."""

from datetime import UTC, datetime, timedelta

import pytest

from helpdesk.mailbox.htmltext import html_to_text
from helpdesk.mailbox.quotes import reply_text
from helpdesk.mailbox.tokens import AGENT, CUSTOMER, reply_address, token_in, token_read

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_a_reply_address_carries_who_may_answer_which_ticket():
    address = reply_address(kind=AGENT, ticket_id=123456, actor_id=42, now=NOW)

    local = address.split("@")[0]
    assert address.endswith("@helpdesk.test") and local.startswith("support+a") and len(local) <= 64
    claim = token_read(token_in(address.upper()), now=NOW)  # mail systems may fold the case
    assert (claim.kind, claim.ticket_id, claim.actor_id) == (AGENT, 123456, 42)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: "c" + token[1:],  # an agent's token turned into a customer's
        lambda token: token.replace(".", ".1", 1),  # another actor
        lambda token: token[:-1] + ("0" if token[-1] != "0" else "1"),  # a guessed signature
        lambda token: token.split(".")[0],  # no signature at all
    ],
)
def test_a_changed_token_is_refused(tamper):
    token = token_in(reply_address(kind=AGENT, ticket_id=7, actor_id=3, now=NOW))

    assert token_read(token, now=NOW) is not None
    assert token_read(tamper(token), now=NOW) is None


def test_a_token_expires(settings):
    settings.HELPDESK_EMAIL_REPLY_TOKEN_DAYS = 30
    token = token_in(reply_address(kind=CUSTOMER, ticket_id=7, actor_id=3, now=NOW))

    assert token_read(token, now=NOW + timedelta(days=30)) is not None
    assert token_read(token, now=NOW + timedelta(days=31)) is None


def test_only_our_own_mailbox_carries_tokens():
    token = token_in(reply_address(kind=CUSTOMER, ticket_id=7, actor_id=3, now=NOW))

    assert token_in(f"support+{token}@elsewhere.example") == ""
    assert token_in(f"sales+{token}@helpdesk.test") == ""
    assert token_in("support@helpdesk.test") == ""


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Thanks!\n\nOn Mon, 16 Nov 2026 at 10:00, Helpdesk <support@x.test> wrote:\n> Hello", "Thanks!"),
        ("Thanks!\n\nOn Mon, 16 Nov 2026 at 10:00, Helpdesk\n<support@x.test> wrote:\n> Hello", "Thanks!"),
        ("شكراً لكم\n\nفي الاثنين، 16 نوفمبر 2026 في 10:00 ص، Helpdesk <a@b.test> كتب:\n> مرحبا", "شكراً لكم"),
        ("ممنون\n\nدر تاریخ دوشنبه ۲۶ آبان ۱۴۰۵، Helpdesk <a@b.test> نوشت:\n> سلام", "ممنون"),
        ("Fine\n\n-----Original Message-----\nFrom: Helpdesk\nSent: Monday", "Fine"),
        ("Fine\n\n________________________________\nFrom: Helpdesk\nSent: Monday\nold", "Fine"),
        ("Fine\n\n________________________________\nمن: Helpdesk\nold", "Fine"),
        ("Yes please\n\n> old question\n> more", "Yes please"),
        (
            "> You asked which colour\nBlue\n> and the size\nLarge",
            "> You asked which colour\nBlue\n> and the size\nLarge",
        ),
        ("Great\n\n-- \nEmma Clarke\nDublin", "Great"),
        ("عالی بود\n\nارسال شده از آیفون من", "عالی بود"),
        ("On second thought, cancel it.", "On second thought, cancel it."),
        ("> everything quoted", "> everything quoted"),
    ],
)
def test_reply_text_keeps_only_the_new_words(text, kept):
    assert reply_text(text) == kept


def test_a_forward_keeps_the_forwarded_message():
    text = "See below\n\n---------- Forwarded message ---------\nFrom: Shop\n\n> Your order shipped"

    assert reply_text(text, subject="Fwd: order") == text
    assert reply_text(text) == text


def test_html_becomes_text_with_links_and_quotes_but_no_markup():
    html = (
        "<html><head><style>p{color:red}</style><title>x</title></head><body>"
        "<div dir='rtl'>سلام<br>خوبی؟ <b>بله</b><script>alert(1)</script></div><!-- hidden -->"
        "<p>See <a href='https://track.example/1'>tracking</a> &amp; more</p>"
        "<blockquote>old<br>text</blockquote><table><tr><td>a</td><td>b</td></tr></table></body></html>"
    )

    assert html_to_text(html) == (
        "سلام\nخوبی؟ بله\n\nSee tracking (https://track.example/1) & more\n\n> old\n> text\n\na b"
    )

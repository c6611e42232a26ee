"""A customer opens a ticket, an agent answers it from the live inbox by keyboard, the customer reads the answer.

In English and Persian. The SLA calendar is open around the clock, so the figures the ticket page
shows follow from the wall clock alone, whatever day and hour the suite runs.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import jdatetime
import pytest
from django.utils import translation
from django.utils.timezone import now
from playwright.sync_api import expect

from helpdesk.core.dates import JALALI_MONTHS, format_local_date, to_persian_digits
from helpdesk.tickets.models import AuthorKind, Message, Ticket
from helpdesk.tickets.services import ticket_create
from helpdesk.tickets.staff.sla import duration
from tests.conftest import EMMA, REZA, make_order

from .conftest import TIMEOUT_MS, _save, call_failed_key, chromium_key
from .i18n import translated
from .ticket_helpers import (
    beside_the_browser,
    due_in_texts,
    load_and_listen,
    main_navigation,
    normal_sla_around_the_clock,
    sign_in_customer,
    sign_in_staff,
    sign_in_staff_directly,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = pytest.mark.parametrize("language", ["en", "fa"])
WAIT = timedelta(milliseconds=TIMEOUT_MS)


@dataclass(frozen=True)
class Writing:
    customer: object
    direction: str
    subject: str
    message: str
    note: str
    reply: str


WRITING = {
    "en": Writing(
        customer=EMMA,
        direction="ltr",
        subject="My saffron tea arrived crushed",
        message="The box was flattened and half the tea is dust. Can you send a new one?",
        note="Courier damage again; ask the warehouse for better boxes.",
        reply="I'm sorry about that, Emma. A new box is on its way today.",
    ),
    "fa": Writing(
        customer=REZA,
        direction="rtl",
        subject="چای زعفرانی له شده رسید",
        message="جعبه کاملاً له شده و نصف چای پودر شده است. لطفاً یک جعبهٔ نو بفرستید.",
        note="باز هم آسیب از پیک؛ از انبار بخواهید جعبهٔ محکم‌تر بگذارد.",
        reply="رضا جان، از این بابت متأسفیم. جعبهٔ نو امروز برایتان ارسال می‌شود.",
    ),
}


@pytest.fixture
def agent_page(request, live_daphne):
    """A page in a second browser context, so the agent and the customer keep their own sessions."""
    context = request.config.stash[chromium_key].browser.new_context(base_url=live_daphne.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    if request.node.stash.get(call_failed_key, False):
        _save(page, "FAILED-agent-" + request.node.name)
    context.close()


@pytest.fixture
def sla_policy(db):
    return normal_sla_around_the_clock()


def _open_unassigned_view(page, language: str) -> None:
    main_navigation(page, language).get_by_role("link", name=translated(language, "Inbox"), exact=True).click()
    views = page.get_by_role("navigation", name=translated(language, "Views"))
    load_and_listen(page, views.get_by_role("link").filter(has_text=translated(language, "Unassigned")).click)
    heading = f"{translated(language, 'Inbox')}: {translated(language, 'Unassigned')}"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def _inbox_row(page, language: str, subject: str):
    inbox_list = page.get_by_role("region", name=translated(language, "Unassigned"), exact=True)
    return inbox_list.get_by_role("listitem").filter(has=page.get_by_role("link", name=subject, exact=True))


def _expect_notice(page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def _one_of(texts) -> re.Pattern:
    return re.compile("|".join(re.escape(text) for text in sorted(texts)))


def _sla_row(page, language: str, target: str):
    figures = page.get_by_role("region", name=translated(language, "Service level"), exact=True)
    header = page.get_by_role("rowheader", name=translated(language, target), exact=True)
    return figures.get_by_role("row").filter(has=header)


def _customer_opens_a_ticket(page, language: str, order, words: Writing) -> Ticket:
    page.goto(f"/{language}/support/new/")
    expect(page.locator("html")).to_have_attribute("dir", words.direction)
    page.get_by_label(translated(language, "Subject"), exact=True).fill(words.subject)
    with translation.override(language):
        order_label = f"{order.external_id} · {format_local_date(order.placed_at)}"
    page.get_by_label(translated(language, "Which order is this about? (optional)")).select_option(label=order_label)
    page.get_by_label(translated(language, "Your message"), exact=True).fill(words.message)
    page.get_by_role("button", name=translated(language, "Send"), exact=True).click()

    notice = translated(language, "We've got your message. We will answer here and by email.")
    expect(page.get_by_role("status")).to_contain_text(notice)
    expect(page.get_by_role("heading", level=1)).to_have_text(words.subject)
    ticket = Ticket.objects.select_related("order").get(subject=words.subject)
    expect(page).to_have_url(re.compile(rf"/{language}/support/{ticket.public_id}/$"))
    assert (ticket.order, ticket.locale) == (order, language)
    expect(page.get_by_role("link", name=order.external_id, exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", words.direction)
    return ticket


def _agent_writes(page, language: str, *, key: str, tab: str, text: str, button: str, done: str) -> None:
    """Press `key` to write in the tab it selects, type `text`, press the button and see it done."""
    page.keyboard.press(key)
    expect(page.get_by_label(translated(language, "Message (Markdown)"), exact=True)).to_be_focused()
    expect(page.get_by_role("tab", name=translated(language, tab))).to_have_attribute("aria-selected", "true")
    page.keyboard.type(text)
    page.get_by_role("button", name=translated(language, button), exact=True).click()
    _expect_notice(page, translated(language, done))


def _expect_first_response_met(row, language: str, ticket: Ticket) -> None:
    reply = Message.objects.get(ticket=ticket, author_kind=AuthorKind.AGENT, public=True)
    assert ticket.first_responded_at == reply.created_at
    assert not ticket.first_response_breached
    waited = int((reply.created_at - ticket.created_at).total_seconds())
    # Within a second: the clock counts whole seconds.
    assert abs(ticket.first_response_seconds - waited) <= 1
    assert abs(ticket.first_response_business_seconds - waited) <= 1
    responded_at = format_local_date(ticket.first_responded_at, language=language, with_time=True)
    with translation.override(language):
        business_time = duration(ticket.first_response_business_seconds)
    expect(row).to_contain_text(translated(language, "Met"))
    expect(row).to_contain_text(translated(language, "at %(at)s") % {"at": responded_at})
    expect(row).to_contain_text(translated(language, "%(time)s of business time") % {"time": business_time})


def _about(moment, expected) -> bool:
    """The SLA clock counts whole seconds."""
    return abs(moment - expected) < timedelta(seconds=1)


def _assert_jalali(opened_text: str, created) -> None:
    jalali = jdatetime.date.fromgregorian(date=created.date())
    assert JALALI_MONTHS[jalali.month - 1] in opened_text
    assert to_persian_digits(str(jalali.year)) in opened_text


@LANGUAGES
def test_customer_opens_a_ticket_an_agent_answers_from_the_inbox_and_the_customer_reads_it(
    page, agent_page, screenshot, sla_policy, agent_omar, language
):
    words = WRITING[language]
    order = make_order(f"ORD-{language.upper()}-2001", words.customer)

    # Given an agent watching the unassigned tickets, and a signed-in customer with an order
    sign_in_staff(agent_page, language=language, user=agent_omar)
    _open_unassigned_view(agent_page, language)
    expect(agent_page.get_by_text(translated(language, "No tickets here."), exact=True)).to_be_visible()
    sign_in_customer(page, language=language, customer=order.customer)

    # When the customer opens a ticket about the order
    ticket = _customer_opens_a_ticket(page, language, order, words)

    # Then they see it, dated in their calendar
    opened = format_local_date(ticket.created_at, language=language, with_time=True)
    expect(page.get_by_role("main")).to_contain_text(opened)
    if language == "fa":
        _assert_jalali(opened, ticket.created_at)
    screenshot(f"ticket-portal-opened-{language}")

    # And it appears in the agent's inbox without a reload, its first response due in under 8 hours
    assert _about(ticket.first_response_due_at, ticket.created_at + timedelta(hours=8))
    row = _inbox_row(agent_page, language, words.subject)
    expect(row).to_be_visible()
    expect(row).to_contain_text(words.customer.name)
    row_badge = due_in_texts(
        language, ticket.first_response_due_at, rendered_between=(ticket.created_at, now() + WAIT), depth=1
    )
    expect(row).to_contain_text(_one_of(row_badge))

    # When the agent moves to it with j and opens it with o
    agent_page.keyboard.press("j")
    expect(row.get_by_role("link", name=words.subject, exact=True)).to_be_focused()
    before = now()
    agent_page.keyboard.press("o")
    expect(agent_page.get_by_role("heading", level=1)).to_contain_text(words.subject)
    after = now()

    # Then the ticket page shows when the first response is due and how long is left
    first_response = _sla_row(agent_page, language, "First response")
    due_at = format_local_date(ticket.first_response_due_at, language=language, with_time=True)
    expect(first_response).to_contain_text(due_at)
    left = due_in_texts(language, ticket.first_response_due_at, rendered_between=(before, after), depth=2)
    expect(first_response).to_contain_text(_one_of(left))
    _save(agent_page, f"ticket-agent-opened-{language}")

    # When they write an internal note with n, then a reply with r
    note = {"tab": "Internal note", "button": "Add internal note", "done": "Internal note added."}
    _agent_writes(agent_page, language, key="n", text=words.note, **note)
    conversation = agent_page.get_by_role("region", name=translated(language, "Conversation"))
    expect(conversation).to_contain_text(words.note)
    before = now()
    reply = {"tab": "Public reply", "button": "Send reply", "done": "Reply sent."}
    _agent_writes(agent_page, language, key="r", text=words.reply, **reply)
    after = now()

    # Then the first response is met, after as much business time as wall-clock time (the calendar never closes)
    ticket.refresh_from_db()
    _expect_first_response_met(first_response, language, ticket)

    # And the resolution clock still runs: due two days after the ticket was opened
    assert _about(ticket.resolution_due_at, ticket.created_at + timedelta(hours=48))
    resolution = _sla_row(agent_page, language, "Resolution")
    left = due_in_texts(language, ticket.resolution_due_at, rendered_between=(before, after), depth=2)
    expect(resolution).to_contain_text(_one_of(left))
    _save(agent_page, f"ticket-agent-replied-{language}")

    # When the customer reloads their ticket
    page.reload()

    # Then they read the reply, signed with the agent's first name, and not the internal note
    conversation = page.get_by_role("list", name=translated(language, "Conversation"))
    answer = conversation.get_by_role("listitem").filter(has_text=words.reply)
    expect(answer).to_be_visible()
    expect(answer).to_contain_text(agent_omar.first_name)
    expect(answer).not_to_contain_text(agent_omar.last_name)
    expect(conversation.get_by_role("listitem")).to_have_count(2)
    expect(page.get_by_text(words.note)).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("dir", words.direction)
    screenshot(f"ticket-portal-replied-{language}")


def _two_tickets_in_the_inbox(page, *, language: str, agent, base_url: str):
    """Open two tickets for the customer and show the agent the unassigned view; return its rows."""
    words = WRITING[language]
    customer = make_order(f"ORD-{language.upper()}-3001", words.customer).customer
    for number in (1, 2):
        subject = f"{words.subject} {number}"
        beside_the_browser(ticket_create, customer=customer, subject=subject, body=words.message, locale=language)
    sign_in_staff_directly(page, user=agent, base_url=base_url)
    page.goto(f"/{language}/staff/tickets/?view=unassigned")
    rows = page.get_by_role("region", name=translated(language, "Unassigned"), exact=True).get_by_role("listitem")
    expect(rows).to_have_count(2)
    return rows


@LANGUAGES
def test_inbox_answers_to_the_keyboard(page, screenshot, live_daphne, sla_policy, agent_sara, language):
    # Given two unassigned tickets and an agent on the inbox
    rows = _two_tickets_in_the_inbox(page, language=language, agent=agent_sara, base_url=live_daphne.url)

    # When they press ?, the shortcut sheet opens; Escape closes it
    sheet = page.get_by_role("dialog", name=translated(language, "Keyboard shortcuts"))
    page.keyboard.press("?")
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text(translated(language, "Assign to me"))
    screenshot(f"ticket-shortcut-sheet-{language}")
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()

    # When they press /, the search box takes the focus (and no slash is typed into it)
    search = page.get_by_label(translated(language, "Search subjects and messages"), exact=True)
    page.keyboard.press("/")
    expect(search).to_be_focused()
    expect(search).to_have_value("")

    # When, back on the list, they press j, j and k, the focus moves down the list twice and back up
    page.reload()
    links = rows.get_by_role("link")
    for key, index in (("j", 0), ("j", 1), ("k", 0)):
        page.keyboard.press(key)
        expect(links.nth(index)).to_be_focused()

    # And Enter opens the ticket they are on
    subject = links.nth(0).inner_text()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(subject)
    expect(page.locator("html")).to_have_attribute("dir", WRITING[language].direction)


@LANGUAGES
def test_escape_leaves_the_search_box_as_the_shortcut_sheet_says(page, live_daphne, sla_policy, agent_sara, language):
    # Given an agent who pressed / to search
    rows = _two_tickets_in_the_inbox(page, language=language, agent=agent_sara, base_url=live_daphne.url)
    search = page.get_by_label(translated(language, "Search subjects and messages"), exact=True)
    page.keyboard.press("/")
    expect(search).to_be_focused()

    # When they press Escape, they leave the box, and j moves through the list again
    page.keyboard.press("Escape")
    expect(search).not_to_be_focused()
    page.keyboard.press("j")
    expect(rows.get_by_role("link").nth(0)).to_be_focused()

"""Inbox search finds the same tickets on every database, however SQLite's index was written."""

import importlib
import random
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpdesk.tickets import search, services
from helpdesk.tickets.models import UNSOLVED, Status, Ticket
from helpdesk.tickets.search import search_q, terms
from helpdesk.tickets.selectors import InboxFilters, InboxView, tickets_for_agent

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
# Both ways SQLite can use its index: start from the matches, or walk the inbox and check each.
both_plans = pytest.mark.parametrize("few_matches", [search.FEW_MATCHES, 0], ids=["from-index", "walk"])
migration = importlib.import_module("helpdesk.tickets.migrations.0005_search_fts_sqlite")


def open_ticket(customer, subject, body="Hello"):
    with mock.patch("django.utils.timezone.now", return_value=MONDAY_10):
        return services.ticket_create(customer=customer, subject=subject, body=body)


def found(agent, query: str) -> set[str]:
    page = tickets_for_agent(agent=agent, view=InboxView.OPEN, filters=InboxFilters(q=query), now=MONDAY_10)
    return {ticket.subject for ticket in page.tickets}


def expected(query: str) -> set[int]:
    """The unsolved tickets whose terms some variant of every query word begins: the definition."""
    clauses = [terms(word) for word in query.split()[: search.MAX_QUERY_WORDS] if terms(word)]
    if not clauses:
        return set()
    rows = Ticket.objects.filter(status__in=UNSOLVED).values_list("pk", "search_text")
    return {pk for pk, text in rows if all(any(f" {term}" in text for term in variants) for variants in clauses)}


def matching(query: str) -> set[int]:
    return set(Ticket.objects.filter(status__in=UNSOLVED).filter(search_q(query)).values_list("pk", flat=True))


@both_plans
def test_a_word_only_one_ticket_has_finds_that_ticket(agent_sara, customer_emma, monkeypatch, few_matches):
    monkeypatch.setattr(search, "FEW_MATCHES", few_matches)
    for number in range(30):
        open_ticket(customer_emma, f"Question {number}", body="Where is my parcel?")
    open_ticket(customer_emma, "Odd one", body="The zeppelin model arrived without its propeller.")

    assert found(agent_sara, "zeppelin") == {"Odd one"}
    assert found(agent_sara, "propeller zeppelin") == {"Odd one"}
    assert found(agent_sara, "zeppelin parcel") == set()
    assert len(found(agent_sara, "parcel")) == 25  # a full first page


@both_plans
def test_a_word_finds_the_terms_it_begins_and_no_others(agent_sara, customer_emma, monkeypatch, few_matches):
    monkeypatch.setattr(search, "FEW_MATCHES", few_matches)
    open_ticket(customer_emma, "Refund for a broken kettle", body="Version 2.5 of the app, iPhone۱۳")

    assert found(agent_sara, "refun") == {"Refund for a broken kettle"}
    assert found(agent_sara, "KETT") == {"Refund for a broken kettle"}
    assert found(agent_sara, "2.5") == found(agent_sara, "iphone۱۳") == {"Refund for a broken kettle"}
    assert found(agent_sara, "efund") == found(agent_sara, "ettle") == set()
    assert found(agent_sara, "2.6") == found(agent_sara, "phone") == set()


@both_plans
def test_persian_typed_with_arabic_letters_digits_or_without_zwnj_matches(
    agent_sara, customer_reza, monkeypatch, few_matches
):
    monkeypatch.setattr(search, "FEW_MATCHES", few_matches)
    open_ticket(customer_reza, "کتاب‌هایم هنوز نرسیده", body="سفارش ۱۲۳۴ را پیگیری کنید")
    open_ticket(customer_reza, "سؤال درباره‌ی فاکتور", body="فاکتور را می‌خواهم")

    assert found(agent_sara, "كتابهايم") == {"کتاب‌هایم هنوز نرسیده"}
    assert found(agent_sara, "پيگيري 1234") == {"کتاب‌هایم هنوز نرسیده"}
    assert found(agent_sara, "سفارش ١٢٣") == {"کتاب‌هایم هنوز نرسیده"}  # Arabic-Indic digits, a prefix
    assert found(agent_sara, "فاكتور") == {"سؤال درباره‌ی فاکتور"}
    assert found(agent_sara, "سوال") == {"سؤال درباره‌ی فاکتور"}


def test_a_ticket_is_found_by_its_new_words_and_not_by_words_it_no_longer_has(agent_sara, customer_emma):
    ticket = open_ticket(customer_emma, "Parcel question", body="Where is the parcel?")
    services.ticket_reply(ticket=ticket, body="The courier lost it; a replacement ships today.", by=agent_sara)

    assert found(agent_sara, "courier replacement") == {"Parcel question"}

    # Any write reaches the index, not only the services' (triggers on SQLite).
    Ticket.objects.filter(pk=ticket.pk).update(search_text=" voucher ")

    assert found(agent_sara, "voucher") == {"Parcel question"}
    assert found(agent_sara, "courier") == found(agent_sara, "parcel") == set()


def test_a_solved_ticket_leaves_the_search_and_returns_when_reopened(agent_sara, customer_emma):
    ticket = open_ticket(customer_emma, "Broken kettle", body="The lid cracked.")

    services.ticket_set_status(ticket=ticket, status=Status.SOLVED, by=agent_sara)
    assert found(agent_sara, "kettle") == set()
    assert matching("kettle") == set()

    services.ticket_set_status(ticket=ticket, status=Status.OPEN, by=agent_sara)
    services.ticket_reply(ticket=ticket, body="It cracked again.", by=agent_sara)
    assert found(agent_sara, "kettle again") == {"Broken kettle"}


def test_deleted_and_merged_tickets(agent_sara, customer_emma):
    kept = open_ticket(customer_emma, "Kettle lid", body="The lid cracked.")
    duplicate = open_ticket(customer_emma, "Kettle lid again", body="Sent twice: the handle wobbles.")
    gone = open_ticket(customer_emma, "Kettle spout", body="The spout leaks.")

    Ticket.objects.filter(pk=gone.pk).delete()
    services.ticket_merge(source=duplicate, target=kept, by=agent_sara)

    assert found(agent_sara, "kettle") == {"Kettle lid"}
    assert found(agent_sara, "wobbles") == {"Kettle lid"}  # the duplicate's words now find the ticket it joined
    assert found(agent_sara, "spout") == set()
    assert open_ticket(customer_emma, "Kettle spout, again").pk != gone.pk
    assert found(agent_sara, "spout") == {"Kettle spout, again"}


WORDS = {
    "en": ["refund", "refunded", "parcel", "parcels", "kettle", "courier", "version", "2.5", "2.50", "iphone13"],
    "fa": ["کتاب‌هایم", "کتابها", "سفارش", "پیگیری", "فاکتور", "می‌خواهم", "۱۲۳۴", "سؤال", "مسئله"],
    "ar": ["الطلب", "طلبي", "كتاب", "استرداد", "المبلغ", "٢٠٢٦", "مسؤول", "إلغاء"],
}


@both_plans
def test_search_finds_exactly_the_tickets_whose_terms_the_query_words_begin(
    agent_sara, customer_emma, monkeypatch, few_matches
):
    monkeypatch.setattr(search, "FEW_MATCHES", few_matches)
    rng = random.Random(4)
    vocabulary = [word for words in WORDS.values() for word in words]
    tickets = [open_ticket(customer_emma, f"Case {n}", body=" ".join(rng.sample(vocabulary, 4))) for n in range(40)]
    for ticket in tickets[::3]:
        services.ticket_reply(ticket=ticket, body=" ".join(rng.sample(vocabulary, 3)), by=agent_sara)
    for ticket in tickets[::5]:
        services.ticket_set_status(ticket=ticket, status=Status.SOLVED, by=agent_sara)
    queries = [*vocabulary, "ref", "کتاب", "كتاب", "2", "2.5 refund", "طلب كتاب", "parcel kettle courier"]

    for query in queries:
        assert matching(query) == expected(query), query
    assert any(expected(query) for query in queries)


def test_the_migrations_leave_the_index_and_its_triggers_on_the_ticket_table():
    """SQLite drops a table's triggers with it: a migration that rebuilds the ticket table must recreate them.

    Other databases get no such table: PostgreSQL searches through its trigram index.
    """
    if connection.vendor != "sqlite":
        assert migration.INDEX not in connection.introspection.table_names()
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name, tbl_name FROM sqlite_master WHERE name LIKE 'ticket_search%'")
        rows = set(cursor.fetchall())

    assert {("trigger", name, "tickets_ticket") for name in migration.TRIGGERS} <= rows
    assert ("table", "ticket_search", "ticket_search") in rows


def test_the_index_holds_the_statuses_the_inbox_lists():
    """The triggers name the unsolved statuses: a new one needs a migration that recreates them."""
    named = "({})".format(", ".join(f"'{status}'" for status in UNSOLVED))

    assert named == migration.UNSOLVED


def test_the_migration_indexes_the_tickets_already_there(agent_sara, customer_emma):
    """On SQLite the migration fills the index from the tickets there; elsewhere it does nothing.

    Either way search then finds what was written before.
    """

    class Executor:  # the part of a schema editor the migration uses, inside the test's transaction
        connection = connection

        def execute(self, sql):
            cursor.execute(sql)

    with connection.cursor() as cursor:
        migration.drop(None, Executor())
        open_ticket(customer_emma, "Written before the index", body="An older zeppelin.")
        services.ticket_set_status(
            ticket=open_ticket(customer_emma, "Solved zeppelin"), status=Status.SOLVED, by=agent_sara
        )

        migration.create(None, Executor())

    assert found(agent_sara, "zeppelin") == {"Written before the index"}
    open_ticket(customer_emma, "Written after", body="A newer zeppelin.")
    assert found(agent_sara, "zeppelin") == {"Written before the index", "Written after"}


ASCII_IN_TERMS = set("abcdefghijklmnopqrstuvwxyz0123456789.")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40))
def test_every_term_is_one_token_to_sqlites_tokenizer(text):
    """The `ascii` tokenizer splits at ASCII other than letters, digits and "." and folds ASCII case."""
    for term in terms(text):
        assert all(not char.isascii() or char in ASCII_IN_TERMS for char in term), term

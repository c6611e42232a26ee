"""Daily roll-ups: crafted reading sessions in, the figures of docs/analytics.md out."""

from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from helpdesk.core.schedule import JOBS
from kb.models import ArticleDaily, ArticleEvent, SearchDaily, SearchQuery
from kb.rollups import (
    DWELL_EDGES,
    DayRollup,
    article_days_build,
    histogram_median,
    kb_rollup,
    search_days_build,
)
from tests.kb.kb_pages import article, import_articles, page

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)
FIGURES = (
    "views",
    "sessions",
    "bounces",
    "engaged_seconds",
    "dwell_histogram",
    "scroll_sum",
    "scroll_sessions",
    "votes",
    "helpful_votes",
    "contact_after",
    "last_sessions",
    "deflected",
)


@pytest.fixture
def articles():
    import_articles(article("gift-wrap.fa", "fa"), article("returns.fa", "fa"), article("gift-wrap.en"))
    return page("gift-wrap.fa"), page("returns.fa")


def at(hours: float = 10, *, days: int = 0) -> datetime:
    """A moment of DAY (or `days` later), in the site's time zone."""
    moment = datetime.combine(DAY + timedelta(days=days), time()) + timedelta(hours=hours)
    return timezone.make_aware(moment, timezone.get_default_timezone())


def event(session, target, kind, when, *, value=None, next_kind=""):
    return ArticleEvent.objects.create(
        session=session,
        article=target,
        locale=target.locale.language_code if target else "fa",
        kind=kind,
        value=value,
        next_kind=next_kind,
        created_at=when,
        day=timezone.localdate(when, timezone.get_default_timezone()),
    )


def read(session, target, when, *, engaged=0, scroll=None, vote=None, next_kind=None):
    """One page of an article as the beacon sends it: a view and what happened on it, in one batch."""
    event(session, target, "view", when)
    event(session, target, "engaged", when, value=engaged)
    if scroll is not None:
        event(session, target, "scroll", when, value=scroll)
    if vote is not None:
        event(session, target, "vote", when, value=vote)
    if next_kind:
        event(session, target, "next", when, next_kind=next_kind)


def contact(session, when, channel="ticket"):
    event(session, None, "contact", when, next_kind=channel)


def figures(target, day=DAY) -> dict:
    return ArticleDaily.objects.filter(day=day, article=target).values(*FIGURES).get()


def session_id(number: int) -> str:
    return f"session-{number:04d}-abcdefghijklmnop"


# --- Bounce --------------------------------------------------------------------------------------


def test_a_short_single_view_bounces(articles):
    gift, _returns = articles
    read(session_id(1), gift, at(), engaged=4)

    written = article_days_build(DAY)

    row = figures(gift)
    assert written == 1
    assert (row["views"], row["sessions"], row["bounces"]) == (1, 1, 1)


@pytest.mark.parametrize(
    ("reading", "bounces"),
    [
        ({"engaged": 9}, 1),
        ({"engaged": 10}, 0),
        ({"engaged": 2, "next_kind": "search"}, 0),
        ({"engaged": 2, "next_kind": "article"}, 0),
        ({"engaged": 2, "vote": 0}, 0),
    ],
    ids=["9s-bounces", "10s-does-not", "search-next", "article-next", "vote"],
)
def test_engagement_a_next_action_or_a_vote_keep_a_single_view_from_bouncing(articles, reading, bounces):
    gift, _returns = articles
    read(session_id(1), gift, at(), **reading)

    article_days_build(DAY)

    assert figures(gift)["bounces"] == bounces


@override_settings(HELPDESK_KB_BOUNCE_SECONDS=30)
def test_the_bounce_threshold_comes_from_the_setting(articles):
    gift, _returns = articles
    read(session_id(1), gift, at(), engaged=20)

    article_days_build(DAY)

    assert figures(gift)["bounces"] == 1


def test_a_session_reading_two_articles_bounces_on_neither(articles):
    gift, returns = articles
    read(session_id(1), gift, at(10), engaged=3)
    read(session_id(1), returns, at(10.1), engaged=3)

    article_days_build(DAY)

    assert figures(gift)["bounces"] == figures(returns)["bounces"] == 0
    assert figures(gift)["sessions"] == figures(returns)["sessions"] == 1


def test_reloading_the_same_article_is_not_a_bounce(articles):
    gift, _returns = articles
    read(session_id(1), gift, at(10), engaged=3)
    read(session_id(1), gift, at(10.1), engaged=3)

    article_days_build(DAY)

    assert (figures(gift)["views"], figures(gift)["sessions"], figures(gift)["bounces"]) == (2, 1, 0)


# --- Contact after and deflection ----------------------------------------------------------------


def test_contact_after_counts_sessions_that_then_went_to_a_person(articles):
    gift, returns = articles
    read(session_id(1), gift, at(10), engaged=30, next_kind="ticket")
    read(session_id(2), gift, at(11), engaged=30)
    contact(session_id(2), at(13), "chat")  # the chat widget, two hours later
    read(session_id(3), gift, at(12), engaged=30)
    read(session_id(4), gift, at(12), engaged=30, next_kind="chat")  # chat first...
    read(session_id(4), returns, at(12.5), engaged=30)  # ...then another article

    article_days_build(DAY)

    assert (figures(gift)["sessions"], figures(gift)["contact_after"]) == (4, 3)
    assert (figures(returns)["sessions"], figures(returns)["contact_after"]) == (1, 0)


def test_deflection_is_attributed_to_the_last_article_and_ends_with_a_contact_within_24_hours(articles):
    gift, returns = articles
    read(session_id(1), gift, at(10), engaged=30, next_kind="article")
    read(session_id(1), returns, at(10.1), engaged=30)
    contact(session_id(1), at(10.1 + 23))  # a ticket 23 h after the last article: not deflected
    read(session_id(2), returns, at(11), engaged=30)
    contact(session_id(2), at(11 + 25))  # 25 h later: too late to undo the deflection
    read(session_id(3), returns, at(12), engaged=30)  # never contacted us
    read(session_id(4), gift, at(12), engaged=30, next_kind="ticket")  # contacted us at once
    read(session_id(5), gift, at(13), engaged=30, next_kind="article")
    read(session_id(5), returns, at(13.1), engaged=30, next_kind="article")
    read(session_id(5), gift, at(13.2), engaged=30)  # back to the first article: it is the last one

    article_days_build(DAY)

    assert (figures(returns)["last_sessions"], figures(returns)["deflected"]) == (3, 2)
    assert (figures(gift)["last_sessions"], figures(gift)["deflected"]) == (2, 1)
    assert (figures(gift)["sessions"], figures(returns)["sessions"]) == (3, 4)


# --- Dwell, scroll, votes ------------------------------------------------------------------------


def test_dwell_is_summed_per_session_and_counted_in_the_histogram(articles):
    gift, _returns = articles
    read(session_id(1), gift, at(10), engaged=3)
    read(session_id(2), gift, at(10), engaged=12)
    read(session_id(3), gift, at(10), engaged=12)
    event(session_id(3), gift, "engaged", at(10.5), value=8)  # the tab shown again later: 20 s in all
    read(session_id(4), gift, at(10), engaged=100)

    article_days_build(DAY)

    row = figures(gift)
    expected = [0] * len(DWELL_EDGES)
    for bucket in (0, 2, 4, 8):  # [0, 5), [10, 15), [20, 30), [90, 120)
        expected[bucket] = 1
    assert row["engaged_seconds"] == 3 + 12 + 20 + 100
    assert row["dwell_histogram"] == expected
    assert histogram_median(row["dwell_histogram"]) == 15


def test_scroll_keeps_the_deepest_point_per_session(articles):
    gift, _returns = articles
    read(session_id(1), gift, at(10), scroll=80)
    read(session_id(1), gift, at(10.2), scroll=30)  # reloaded, then left near the top
    read(session_id(2), gift, at(10), scroll=50)
    read(session_id(3), gift, at(10))

    article_days_build(DAY)

    assert (figures(gift)["scroll_sum"], figures(gift)["scroll_sessions"]) == (130, 2)


def test_votes_come_from_the_beacon(articles):
    gift, _returns = articles
    read(session_id(1), gift, at(10), vote=1)
    read(session_id(2), gift, at(10), vote=0)
    read(session_id(3), gift, at(10), vote=1)

    article_days_build(DAY)

    assert (figures(gift)["votes"], figures(gift)["helpful_votes"]) == (3, 2)


# --- Days ----------------------------------------------------------------------------------------


def test_a_session_counts_on_the_day_of_its_first_view(articles):
    gift, _returns = articles
    read(session_id(1), gift, at(23.9), engaged=40)  # across midnight: counted on DAY
    read(session_id(1), gift, at(0.1, days=1), engaged=20)
    read(session_id(2), gift, at(23.95, days=-1), engaged=40)  # began the day before: not on DAY
    read(session_id(2), gift, at(0.05), engaged=5)
    read(session_id(3), gift, at(9, days=1), engaged=40)  # the next day's own reader

    counts = [article_days_build(DAY + timedelta(days=offset)) for offset in (-1, 0, 1)]

    assert counts == [1, 1, 1]
    day_before, on_the_day, day_after = (figures(gift, DAY + timedelta(days=offset)) for offset in (-1, 0, 1))
    assert (on_the_day["sessions"], on_the_day["views"], on_the_day["engaged_seconds"]) == (1, 2, 60)
    assert (day_before["sessions"], day_before["views"], day_before["engaged_seconds"]) == (1, 2, 45)
    assert (day_after["sessions"], day_after["views"], day_after["engaged_seconds"]) == (1, 1, 40)


def test_rows_are_per_article_and_language(articles):
    gift, _returns = articles
    english = page("gift-wrap.en")
    read(session_id(1), gift, at(10), engaged=30)
    read(session_id(2), english, at(10), engaged=30)

    assert article_days_build(DAY) == 2
    assert set(ArticleDaily.objects.values_list("article__external_id", "locale")) == {
        ("gift-wrap.fa", "fa"),
        ("gift-wrap.en", "en"),
    }


def test_building_twice_gives_the_same_rows_and_a_rebuild_replaces_only_that_day(articles):
    gift, returns = articles
    read(session_id(1), gift, at(10), engaged=3)
    read(session_id(2), returns, at(10), engaged=60, scroll=70, vote=1, next_kind="chat")
    read(session_id(3), gift, at(10, days=1), engaged=30)
    article_days_build(DAY)
    article_days_build(DAY + timedelta(days=1))
    first = list(ArticleDaily.objects.filter(day=DAY).order_by("article_id").values("article_id", *FIGURES))
    next_day = ArticleDaily.objects.get(day=DAY + timedelta(days=1))

    article_days_build(DAY)
    again = list(ArticleDaily.objects.filter(day=DAY).order_by("article_id").values("article_id", *FIGURES))
    read(session_id(4), gift, at(15), engaged=50)
    article_days_build(DAY)

    assert again == first
    assert figures(gift)["sessions"] == 2 and figures(gift)["engaged_seconds"] == 53
    assert ArticleDaily.objects.filter(day=DAY).count() == 2
    unchanged = ArticleDaily.objects.get(day=DAY + timedelta(days=1))
    assert (unchanged.pk, unchanged.built_at, unchanged.sessions) == (next_day.pk, next_day.built_at, 1)


def test_a_day_without_events_loses_its_old_rows(articles):
    gift, _returns = articles
    read(session_id(1), gift, at(10), engaged=3)
    article_days_build(DAY)
    ArticleEvent.objects.all().delete()

    assert article_days_build(DAY) == 0
    assert not ArticleDaily.objects.exists()


def test_a_day_is_built_in_a_few_queries_whatever_the_number_of_sessions(articles, django_assert_max_num_queries):
    gift, returns = articles
    for number in range(40):
        read(session_id(number), (gift, returns)[number % 2], at(8 + number / 10), engaged=number, scroll=number)

    with django_assert_max_num_queries(6):
        written = article_days_build(DAY)

    assert written == 2
    assert figures(gift)["sessions"] + figures(returns)["sessions"] == 40


# --- Searches ------------------------------------------------------------------------------------


def search(query, locale="fa", *, results=3, clicks=0, source="web", when=None):
    found = SearchQuery.objects.create(query=query, locale=locale, result_count=results, clicks=clicks, source=source)
    SearchQuery.objects.filter(pk=found.pk).update(created_at=when or at(10))


def test_spellings_of_one_query_are_one_row_with_the_most_frequent_as_example():
    search("می‌خواهم")  # with a ZWNJ
    search("می‌خواهم")
    search("می خواهم")  # with a space
    search("مي خواهم")  # Arabic yeh
    search("كد تخفيف")  # Arabic kaf and yeh
    search("کُد تخفیف")  # a diacritic
    search("کد تخفیف", "ar")  # another language: its own row
    search("Gift  Wrap", "en")
    search("gift wrap", "en")
    search("gift wrap", "en")

    written = search_days_build(DAY)

    rows = set(SearchDaily.objects.values_list("locale", "query", "example", "searches"))
    assert written == 4
    assert rows == {
        ("fa", "می خواهم", "می‌خواهم", 4),
        ("fa", "کد تخفیف", "كد تخفيف", 2),
        ("ar", "كد تخفيف", "کد تخفیف", 1),
        ("en", "gift wrap", "gift wrap", 3),
    }


def test_no_results_and_no_click_are_counted_where_clicks_are_recorded():
    search("refund", "en", results=0)
    search("refund", "en", results=4, clicks=0)
    search("refund", "en", results=4, clicks=2)
    search("refund", "en", results=4, clicks=0, source="api")  # the API cannot see clicks
    search("refund", "en", results=0, source="bot")

    search_days_build(DAY)

    row = SearchDaily.objects.get()
    assert (row.searches, row.no_results, row.no_click) == (5, 2, 1)


@override_settings(TIME_ZONE="Asia/Tehran")
def test_searches_count_on_their_local_day():
    search("ارسال", when=at(0.5))  # just after local midnight
    search("ارسال", when=at(23.5, days=-1))  # the evening before
    search("ارسال", when=at(0.5, days=1))

    search_days_build(DAY)

    assert SearchDaily.objects.get(day=DAY).searches == 1


def test_kb_rollup_builds_both_for_each_day(articles):
    gift, _returns = articles
    read(session_id(1), gift, at(10), engaged=3)
    search("ارسال")
    search("ارسال", when=at(10, days=1))

    built = kb_rollup([DAY, DAY + timedelta(days=1)])

    assert built == [DayRollup(DAY, 1, 1), DayRollup(DAY + timedelta(days=1), 0, 1)]
    assert SearchDaily.objects.filter(day=DAY + timedelta(days=1), searches=1).exists()


# --- The command ---------------------------------------------------------------------------------


@time_machine.travel(at(12, days=1), tick=False)
def test_the_command_rebuilds_the_last_three_days_and_says_how_many_rows(articles):
    gift, returns = articles
    read(session_id(1), gift, at(10), engaged=3)
    read(session_id(2), returns, at(10), engaged=3)
    read(session_id(3), gift, at(9, days=1), engaged=3)
    search("ارسال", when=at(9, days=1))
    out = StringIO()

    call_command("rollup_kb_events", stdout=out)

    assert out.getvalue().splitlines() == [
        "2026-03-09: 0 article rows, 0 search rows.",
        "2026-03-10: 2 article rows, 0 search rows.",
        "2026-03-11: 1 article rows, 1 search rows.",
    ]
    assert ArticleDaily.objects.count() == 3


@time_machine.travel(at(12, days=1), tick=False)
def test_the_command_rebuilds_the_days_asked_for(articles):
    gift, _returns = articles
    read(session_id(1), gift, at(10), engaged=3)
    out = StringIO()

    call_command("rollup_kb_events", "--day", "2026-03-10", "--days", "1", stdout=out)

    assert out.getvalue() == "2026-03-10: 1 article rows, 0 search rows.\n"


@time_machine.travel(at(12, days=1), tick=False)
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--day", "2026-13-01"], "--day '2026-13-01' is not a date: write it as YYYY-MM-DD"),
        (["--day", "yesterday"], "is not a date"),
        (["--days", "0"], "--days must be 1 or more."),
        (["--day", "2025-12-01"], "Raw events before 2025-12-13 may have been purged"),
    ],
)
def test_the_command_refuses_bad_input_and_days_past_retention(articles, arguments, message):
    gift, _returns = articles
    ArticleDaily.objects.create(day=date(2025, 12, 1), article=gift, locale="fa", sessions=7)

    with pytest.raises(CommandError, match=message):
        call_command("rollup_kb_events", *arguments, stdout=StringIO())

    assert ArticleDaily.objects.get().sessions == 7


def test_the_command_runs_every_hour():
    assert any(job.command == "rollup_kb_events" and job.every_seconds == 3600 for job in JOBS)

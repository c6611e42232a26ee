"""Server time of the inbox and ticket pages, their queries, and the plans of the inbox's list and count queries.

Pages are requested through django.test.Client in this process, signed in as an agent: URL
resolution, middleware (session and user included), view, selectors and template, without a
socket or a server in front. Each page is warmed up, then timed `requests` times or for
`max_seconds`, whichever ends first; one more request under CaptureQueriesContext counts the
queries.
"""

import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .load import Measurement

QUERY_LIMIT = 10
TARGETS_MS = {"inbox": 50.0, "ticket": 30.0}
WARM_UP = 3
DEEP_PAGE = 40


@dataclass(frozen=True)
class Page:
    label: str
    kind: str  # "inbox", "ticket" or "selector"
    url: str = ""
    call: object = None  # selector rows time this function instead of a request


def inbox_pages(*, agent, words: dict[str, str], tags: list[str], email: str) -> list[Page]:
    """The inbox's first pages per view and with filters, then later pages through the cursor."""
    from django.urls import reverse

    from helpdesk.tickets.selectors import InboxView, tickets_for_agent

    base = reverse("inbox:list")

    def url(**params) -> str:
        return f"{base}?{urlencode(params)}"

    pages = [Page(f"first page: {view.value}", "inbox", url(view=view.value)) for view in InboxView]
    pages += [
        Page("open + priority=high", "inbox", url(view="open", priority="high")),
        Page("open + tag (common)", "inbox", url(view="open", tag=tags[0])),
        Page("open + tag (rare)", "inbox", url(view="open", tag=tags[-1])),
        Page("open + priority=urgent + tag", "inbox", url(view="open", priority="urgent", tag=tags[0])),
        Page("open + search (common word)", "inbox", url(view="open", q=words["common"])),
        Page("open + search (rare word)", "inbox", url(view="open", q=words["rare"])),
        Page("open + search (customer email)", "inbox", url(view="open", q=email)),
        Page("list refresh fragment: open", "inbox", url(view="open", fragment="list")),
    ]
    for view in (InboxView.OPEN, InboxView.MINE):
        cursor = tickets_for_agent(agent=agent, view=view).next_cursor
        if cursor:
            pages.append(Page(f"second page: {view.value}", "inbox", url(view=view.value, after=cursor)))
    cursor = ""
    for _ in range(DEEP_PAGE - 1):
        cursor = tickets_for_agent(agent=agent, view=InboxView.OPEN, cursor=cursor).next_cursor
        if not cursor:
            break
    if cursor:
        pages.append(Page(f"page {DEEP_PAGE}: open", "inbox", url(view="open", after=cursor)))
    return pages


def ticket_pages(showcase: dict[str, int]) -> list[Page]:
    from django.urls import reverse

    from helpdesk.tickets.models import Message

    pages = []
    for pk in dict.fromkeys(showcase.values()):
        count = Message.objects.filter(ticket_id=pk).count()
        pages.append(Page(f"ticket page: {count} messages", "ticket", reverse("inbox:detail", kwargs={"pk": pk})))
    return pages


def selector_pages(*, agent, showcase: dict[str, int]) -> list[Page]:
    """The selectors alone, to tell their share of a page's time from the template's."""
    from helpdesk.tickets.selectors import InboxView, inbox_counts, ticket_timeline, tickets_for_agent

    ticket_id = showcase["typical"]
    return [
        Page("tickets_for_agent(open)", "selector", call=lambda: tickets_for_agent(agent=agent, view=InboxView.OPEN)),
        Page("tickets_for_agent(mine)", "selector", call=lambda: tickets_for_agent(agent=agent, view=InboxView.MINE)),
        Page("inbox_counts", "selector", call=lambda: inbox_counts(agent=agent)),
        Page("ticket_timeline", "selector", call=lambda: list(ticket_timeline(_ticket(ticket_id)))),
    ]


def _ticket(pk: int):
    from helpdesk.tickets.models import Ticket

    return Ticket(pk=pk)


def _rows(page: Page, html: str) -> int | str:
    if page.kind == "inbox":
        return html.count('class="ticket-row"')
    if page.kind == "ticket":
        return html.count('class="entry message')
    return ""


def measure(client, page: Page, *, requests: int, max_seconds: float) -> dict:
    """Time one page (or selector): p50/p95/max in ms, the queries of one request, its status and rows."""
    run = page.call or (lambda: client.get(page.url))
    for _ in range(WARM_UP):
        run()
    result = Measurement()
    deadline = time.perf_counter() + max_seconds
    while len(result.latencies) < requests and time.perf_counter() < deadline:
        began = time.perf_counter()
        run()
        result.latencies.append(time.perf_counter() - began)
    with CaptureQueriesContext(connection) as queries:
        answer = run()
    status, html = "", ""
    if page.url:
        status, html = answer.status_code, answer.content.decode()
    target = TARGETS_MS.get(page.kind)
    row = {
        "label": page.label,
        "kind": page.kind,
        "requests": len(result.latencies),
        "p50": result.percentile_ms(50),
        "p95": result.percentile_ms(95),
        "max": result.percentile_ms(100),
        "queries": len(queries.captured_queries),
        "rows": _rows(page, html),
        "status": status,
        "target": target,
    }
    queries_ok = page.kind != "inbox" or row["queries"] <= QUERY_LIMIT
    row["ok"] = target is None or (row["p95"] <= target and queries_ok and status == 200)
    return row


# Query plans -------------------------------------------------------------------------------------

PG_SCAN = re.compile(
    r"(Parallel Seq Scan|Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan|Bitmap Index Scan)"
    r"(?: Backward)?(?: using (\S+))? on (\S+)"
)


def plan_queries(*, agent, words: dict[str, str], tags: list[str]) -> list[tuple[str, object]]:
    from helpdesk.tickets.selectors import InboxFilters, InboxView, inbox_counts, tickets_for_agent

    queries = [(f"list: {view.value}", _list(agent, view)) for view in InboxView]
    for label, filters in (
        ("list: open + tag (rare)", InboxFilters(tag=tags[-1])),
        ("list: open + priority=urgent + tag", InboxFilters(priority="urgent", tag=tags[0])),
        ("list: open + search (rare word)", InboxFilters(q=words["rare"])),
    ):
        queries.append((label, _list(agent, InboxView.OPEN, filters)))
    cursor = tickets_for_agent(agent=agent, view=InboxView.OPEN).next_cursor
    queries.append(("list: second page of open", _list(agent, InboxView.OPEN, cursor=cursor)))
    queries.append(("counts", lambda: inbox_counts(agent=agent)))
    return queries


def _list(agent, view, filters=None, cursor: str = ""):
    from helpdesk.tickets.selectors import InboxFilters, tickets_for_agent

    return lambda: tickets_for_agent(agent=agent, view=view, filters=filters or InboxFilters(), cursor=cursor)


LIST_QUERY = 'SELECT "tickets_ticket"."id"'


def explain(label: str, call) -> dict:
    """The plan of the list query `call` runs (else its first), with the scans it does and how long it took.

    A tag filter or a text search looks the tag up or counts the matches first; the list is the
    first query that reads tickets' rows.
    """
    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        call()
    sql, params = next(((sql, params) for sql, params in captured if sql.startswith(LIST_QUERY)), captured[0])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            lines = [line for (line,) in cursor.fetchall()]
            text = "\n".join(lines)
            scans = [_scan_name(match) for match in PG_SCAN.finditer(text)]
            found = re.search(r"Execution Time: ([\d.]+) ms", text)
            ms = float(found.group(1)) if found else float("nan")
            seq_scan = bool(re.search(r"Seq Scan on tickets_ticket\b", text))
        else:
            # With the parameters bound, as the query runs (SQLite plans differently for literals).
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            lines = [detail for *_ids, detail in cursor.fetchall()]
            scans = [line for line in lines if "tickets_ticket " in f"{line} " or "TEMP B-TREE" in line]
            began = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            ms = (time.perf_counter() - began) * 1000
            seq_scan = any(re.match(r"SCAN tickets_ticket$", line) for line in lines)
    if connection.vendor == "postgresql":
        shown = connection.ops.compose_sql(sql, params)
    else:
        shown = connection.ops.last_executed_query(None, sql, params)
    return {"label": label, "scans": scans, "seq_scan": seq_scan, "ms": ms, "plan": lines, "sql": shown}


def _scan_name(match: re.Match) -> str:
    node, index, relation = match.groups()
    return f"{node} {index} on {relation}" if index else f"{node} {relation}"

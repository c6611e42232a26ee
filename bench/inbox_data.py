"""The inbox benchmark's data set, generated as rows: customers, orders, tickets, messages, events, tags.

Tickets are numbered in the order they were opened, over two years. About 5 % are unsolved
(new, open, pending, on hold): nearly all of the last week's, about half of those a month old,
one in sixteen of those three months old; the rest are solved or closed. Unsolved tickets not
waiting on the customer have an SLA due time, from three days ago to four days ahead (the past
ones are breached); pending and on-hold ones have their clock paused, and solved ones have
nothing running (`NO_DUE`). Each ticket has 1-20 messages (5 on average; about one agent
message in eight is an internal note) and an event for each message, plus its assignment,
status changes and tags, the way the services write them. Subjects and bodies are drawn from a
pool of texts per language (bench/inbox_text.py) made with the knowledge-base benchmark's
vocabularies (Zipf-skewed, so some words are everywhere and most are rare), and `search_text`
holds the terms of the subject and of every message, as the services keep it.
"""

import math
import random
import uuid
from bisect import bisect
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from .inbox_text import TextPool

HISTORY_DAYS = 730
UNSOLVED_SHARE = 0.05
# The chance that a ticket is still unsolved falls with its age, min(1, k·exp(-age/UNSOLVED_DAYS)),
# k chosen so that UNSOLVED_SHARE of all tickets are: today's all are, a quarter-old one seldom.
UNSOLVED_DAYS = 30.0
NEW_DAYS = 3  # a ticket nobody has answered is a recent one
UNSOLVED_STATUSES = (("open", 50), ("pending", 30), ("on_hold", 20))
RECENT_UNSOLVED_STATUSES = (("new", 50), ("open", 35), ("pending", 10), ("on_hold", 5))
CHANNELS = (("web", 50), ("email", 35), ("chat", 10), ("api", 5))
PRIORITIES = (("low", 20), ("normal", 60), ("high", 15), ("urgent", 5))
LOCALES = (("en", 50), ("fa", 25), ("ar", 25))
ORDERS_PER_CUSTOMER = ((0, 20), (1, 45), (2, 25), (3, 10))
MAX_MESSAGES = 20
NOTE_SHARE = 0.12
TAGGED_SHARE = 0.4
ORDER_SHARE = 0.6
TEAM_SHARE = 0.7

CUSTOMER_FIELDS = ("id", "public_id", "external_id", "email", "name", "locale", "created_at")
ORDER_FIELDS = (
    "id",
    "public_id",
    "external_id",
    "customer_id",
    "status",
    "placed_at",
    "delivered_at",
    "total",
    "currency",
    "created_at",
    "updated_at",
)
TICKET_FIELDS = (
    "id",
    "public_id",
    "subject",
    "customer_id",
    "channel",
    "status",
    "priority",
    "assignee_id",
    "team_id",
    "order_id",
    "locale",
    "created_at",
    "updated_at",
    "last_message_at",
    "last_message_snippet",
    "search_text",
    "sla_due_at",
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "first_responded_at",
    "solved_at",
    "first_response_seconds",
    "first_response_business_seconds",
    "resolution_seconds",
    "resolution_business_seconds",
    "first_response_breached",
    "next_response_breached",
    "resolution_breached",
    "sla_breached",
    "sla_paused",
)
MESSAGE_FIELDS = (
    "id",
    "ticket_id",
    "author_kind",
    "author_user_id",
    "public",
    "body",
    "body_html",
    "channel",
    "created_at",
)
EVENT_FIELDS = ("id", "ticket_id", "kind", "actor_user_id", "actor_customer_id", "message_id", "data", "created_at")
TICKET_TAG_FIELDS = ("id", "ticket_id", "tag_id")


def _picker(pairs):
    """A function drawing one value of (value, weight) pairs with `rng`."""
    values = [value for value, _ in pairs]
    cumulative = list(accumulate(weight for _, weight in pairs))
    total = cumulative[-1]
    return lambda rng: values[bisect(cumulative, rng.random() * total)]


def unsolved_scale() -> float:
    """The k for which min(1, k·exp(-age/UNSOLVED_DAYS)), averaged over the history, is UNSOLVED_SHARE."""

    def share(scale: float) -> float:
        return (
            sum(min(1.0, scale * math.exp(-(day + 0.5) / UNSOLVED_DAYS)) for day in range(HISTORY_DAYS)) / HISTORY_DAYS
        )

    low, high = 0.0, 100.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if share(middle) < UNSOLVED_SHARE else (low, middle)
    return low


def message_count_weights(mean: float) -> list[float]:
    """Weights of 1..MAX_MESSAGES messages, geometric, tuned so the average is `mean`."""
    low, high = 0.01, 0.999
    for _ in range(60):
        ratio = (low + high) / 2
        weights = [ratio**n for n in range(MAX_MESSAGES)]
        average = sum((n + 1) * w for n, w in enumerate(weights)) / sum(weights)
        low, high = (ratio, high) if average < mean else (low, ratio)
    return weights


@dataclass(frozen=True)
class Staff:
    """The rows made through the ORM before the bulk load."""

    agents: list[tuple[int, str]]  # (id, full name); the first one is the benchmark's signed-in agent
    teams: list[int]
    tags: list[tuple[int, str]]  # most used first


@dataclass
class Chunk:
    tickets: list[tuple] = field(default_factory=list)
    messages: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    ticket_tags: list[tuple] = field(default_factory=list)


class DataSet:
    """Rows for `tickets` tickets of `customers` customers, as of `now`."""

    def __init__(
        self,
        *,
        tickets: int,
        customers: int,
        staff: Staff,
        pool: TextPool,
        now: datetime,
        seed: int = 4,
        messages_per_ticket: float = 5.0,
    ):
        self.tickets, self.customer_count, self.staff, self.pool = tickets, max(1, customers), staff, pool
        self.now = now.astimezone(UTC).replace(microsecond=0)
        self.start = self.now - timedelta(days=HISTORY_DAYS)
        self.rng = random.Random(seed)
        self.customer_locales: list[str] = []
        self.first_order: list[int] = []
        self.order_count: list[int] = []
        self.unsolved_scale = unsolved_scale()
        self.message_counts = _picker([(n + 1, w) for n, w in enumerate(message_count_weights(messages_per_ticket))])
        self.unsolved_status, self.recent_status = _picker(UNSOLVED_STATUSES), _picker(RECENT_UNSOLVED_STATUSES)
        self.channel = _picker(CHANNELS)
        self.priority = _picker(PRIORITIES)
        tag_weights = [1.0 / (rank + 1) for rank in range(len(staff.tags))]
        self.tag_cumulative = list(accumulate(tag_weights))
        self.message_id = self.event_id = self.ticket_tag_id = 0
        # Tickets to open on the ticket page: an open one with about ten messages, and the longest unsolved one.
        self.showcase: dict[str, int] = {}
        self._showcase_scores = {"typical": 99, "long": 0}

    # Customers and orders -------------------------------------------------------------------------

    def customers(self):
        rng, pick_locale = self.rng, _picker(LOCALES)
        for number in range(1, self.customer_count + 1):
            locale = pick_locale(rng)
            self.customer_locales.append(locale)
            joined = self.start - timedelta(days=rng.randint(0, 365))
            name = rng.choice(self.pool.names[locale])
            yield (number, uuid.uuid4(), f"c-{number}", f"customer{number}@example.com", name, locale, joined)

    def orders(self):
        """Call after `customers()` has run: orders are numbered per customer, in turn."""
        rng, pick_count, number = self.rng, _picker(ORDERS_PER_CUSTOMER), 0
        statuses = ("delivered",) * 6 + ("shipped", "paid", "cancelled", "returned")
        for customer in range(1, self.customer_count + 1):
            count = pick_count(rng)
            self.first_order.append(number + 1)
            self.order_count.append(count)
            for _ in range(count):
                number += 1
                placed = self.start + timedelta(seconds=rng.randint(0, HISTORY_DAYS * 86400))
                status = rng.choice(statuses)
                delivered = placed + timedelta(days=rng.randint(1, 6)) if status == "delivered" else None
                total = f"{rng.randint(5, 400)}.{rng.randint(0, 99):02d}"
                yield (
                    number,
                    uuid.uuid4(),
                    f"ORD-{number:08d}",
                    customer,
                    status,
                    placed,
                    delivered,
                    total,
                    "USD",
                    placed,
                    placed,
                )

    # Tickets ---------------------------------------------------------------------------------------

    def chunks(self, size: int = 10_000):
        """The tickets with their messages, events and tags, `size` tickets at a time."""
        chunk = Chunk()
        for number in range(1, self.tickets + 1):
            self._ticket(number, chunk)
            if number % size == 0:
                yield chunk
                chunk = Chunk()
        if chunk.tickets:
            yield chunk

    def _status(self, created: datetime) -> str:
        age_days = (self.now - created).total_seconds() / 86400
        if self.rng.random() < min(1.0, self.unsolved_scale * math.exp(-age_days / UNSOLVED_DAYS)):
            return (self.recent_status if age_days < NEW_DAYS else self.unsolved_status)(self.rng)
        return "solved" if age_days < 4 or self.rng.random() < 0.3 else "closed"

    def _customer(self) -> int:
        # Some customers write far more often than others.
        return min(self.customer_count, int(self.customer_count * self.rng.random() ** 1.6) + 1)

    def _ticket(self, number: int, chunk: Chunk) -> None:
        rng, now = self.rng, self.now
        span = (now - self.start).total_seconds()
        created = self.start + timedelta(seconds=span * (number - 0.5) / self.tickets - rng.randint(0, 600))
        status = self._status(created)
        customer = self._customer()
        locale = self.customer_locales[customer - 1] if rng.random() < 0.9 else rng.choice(("en", "fa", "ar"))
        channel, priority = self.channel(rng), self.priority(rng)
        assignee = None
        if rng.random() < (0.35 if status == "new" else 0.93):
            assignee = rng.choice(self.staff.agents)
        count = rng.randint(1, 2) if status == "new" else max(2, self.message_counts(rng))
        subject = rng.choice(self.pool.subjects[locale])
        messages, terms = self._messages(number, chunk, created, count, locale, channel, assignee, status)
        last_public = max((m for m in messages if m[4]), key=lambda m: m[8])
        responded = next((m[8] for m in messages if m[2] == "agent" and m[4]), None)
        last_at = messages[-1][8]
        tags = self._tags(number, chunk)
        self._events(number, chunk, messages, customer, assignee, status, tags, last_at)
        sla = self._sla(created, status, priority, responded, last_at)
        order = None
        if self.order_count[customer - 1] and rng.random() < ORDER_SHARE:
            order = self.first_order[customer - 1] + rng.randrange(self.order_count[customer - 1])
        team = rng.choice(self.staff.teams) if rng.random() < TEAM_SHARE else None
        search_text = " " + " ".join(sorted(subject.terms.union(*terms))) + " "
        if status not in ("solved", "closed"):
            self._remember(number, count, typical=status == "open" and bool(tags) and order is not None)
        chunk.tickets.append(
            (
                number,
                uuid.uuid4(),
                subject.text[:200],
                customer,
                channel,
                status,
                priority,
                assignee[0] if assignee else None,
                team,
                order,
                locale,
                created,
                last_at,
                last_public[8],
                last_public[9],
                search_text,
                *sla,
            )
        )

    def _remember(self, number: int, count: int, *, typical: bool) -> None:
        score = abs(count - 10) + (0 if typical else 5)
        if score <= self._showcase_scores["typical"]:
            self._showcase_scores["typical"], self.showcase["typical"] = score, number
        if count >= self._showcase_scores["long"]:
            self._showcase_scores["long"], self.showcase["long"] = count, number

    def _messages(self, number, chunk, created, count, locale, channel, assignee, status):
        """Append the ticket's messages; return them (with the snippet at [9]) and their bodies' terms."""
        rng = self.rng
        room = (self.now - created).total_seconds() - 60
        budget = min(room, count * 20 * 3600)
        at, messages, terms = created, [], []
        agent = assignee or rng.choice(self.staff.agents)
        for position in range(count):
            if position:
                at += timedelta(seconds=max(1.0, budget / count * rng.uniform(0.2, 1.0)))
            from_customer = position == 0 or (status == "new") or position % 2 == 0
            note = not from_customer and rng.random() < NOTE_SHARE
            body = rng.choice(self.pool.bodies[locale])
            self.message_id += 1
            row = (
                self.message_id,
                number,
                "customer" if from_customer else "agent",
                None if from_customer else agent[0],
                not note,
                body.text,
                body.html,
                channel if from_customer else "web",
                at,
                body.snippet,
            )
            messages.append(row)
            chunk.messages.append(row[:9])
            terms.append(body.terms)
        return messages, terms

    def _tags(self, number: int, chunk: Chunk) -> list[tuple[int, str]]:
        rng = self.rng
        if not self.staff.tags or rng.random() >= TAGGED_SHARE:
            return []
        chosen = {}
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            tag = self.staff.tags[bisect(self.tag_cumulative, rng.random() * self.tag_cumulative[-1])]
            chosen[tag[0]] = tag
        for tag_id in chosen:
            self.ticket_tag_id += 1
            chunk.ticket_tags.append((self.ticket_tag_id, number, tag_id))
        return list(chosen.values())

    def _event(self, chunk, number, kind, at, *, user=None, customer=None, message=None, data=None) -> None:
        self.event_id += 1
        chunk.events.append((self.event_id, number, kind, user, customer, message, data or {}, at))

    def _events(self, number, chunk, messages, customer, assignee, status, tags, last_at) -> None:
        first = messages[0]
        self._event(
            chunk,
            number,
            "created",
            first[8],
            customer=customer,
            message=first[0],
            data={"status": "new", "channel": first[7]},
        )
        step = timedelta(seconds=30)
        if assignee:
            self._event(
                chunk,
                number,
                "assigned",
                first[8] + step,
                user=assignee[0],
                data={"from": "", "to": assignee[1], "to_id": assignee[0]},
            )
        if tags:
            actor = assignee[0] if assignee else self.staff.agents[0][0]
            data = {"added": sorted(name for _, name in tags), "removed": []}
            self._event(chunk, number, "tags", first[8] + 2 * step, user=actor, data=data)
        for message in messages[1:]:
            if message[2] == "customer":
                self._event(chunk, number, "replied", message[8], customer=customer, message=message[0])
            else:
                kind = "replied" if message[4] else "note"
                self._event(chunk, number, kind, message[8], user=message[3], message=message[0])
        actor = assignee[0] if assignee else self.staff.agents[0][0]
        if status in ("pending", "on_hold", "solved", "closed"):
            to = "solved" if status == "closed" else status
            self._event(chunk, number, "status", last_at + step, user=actor, data={"from": "open", "to": to})
        if status == "closed":
            closed_at = min(self.now - step, last_at + timedelta(days=4))
            self._event(chunk, number, "status", closed_at, user=actor, data={"from": "solved", "to": "closed"})

    def _sla(self, created, status, priority, responded, last_at) -> tuple:
        """The SLA fields after `last_at`, in TICKET_FIELDS order from sla_due_at on."""
        from helpdesk.tickets.models import NO_DUE

        rng, now = self.rng, self.now
        hours = {"urgent": 1, "high": 4, "normal": 8, "low": 24}[priority]
        first_due = created + timedelta(hours=hours)
        resolution_due = created + timedelta(hours=hours * 6)
        first_seconds = int((responded - created).total_seconds()) if responded else None
        first_breached = responded is not None and responded > first_due
        if status in ("solved", "closed"):
            seconds = int((last_at - created).total_seconds())
            breached = rng.random() < 0.08
            return (
                NO_DUE,
                first_due,
                None,
                resolution_due,
                responded,
                last_at,
                first_seconds,
                _business(first_seconds),
                seconds,
                _business(seconds),
                first_breached,
                False,
                breached,
                breached or first_breached,
                False,
            )
        if status in ("pending", "on_hold"):
            return (
                NO_DUE,
                first_due,
                None,
                resolution_due,
                responded,
                None,
                first_seconds,
                _business(first_seconds),
                None,
                None,
                first_breached,
                False,
                False,
                first_breached,
                True,
            )
        if (now - created).days < 3:
            due = created + timedelta(hours=rng.uniform(hours / 2, 72))
        else:
            due = now + timedelta(hours=rng.uniform(-72, 96))
        next_due = due if responded else None
        breached = due < now or first_breached or rng.random() < 0.05
        return (
            due,
            first_due,
            next_due,
            resolution_due,
            responded,
            None,
            first_seconds,
            _business(first_seconds),
            None,
            None,
            first_breached,
            False,
            due < now,
            breached,
            False,
        )


def _business(seconds: int | None) -> int | None:
    """Business seconds: roughly the working share of the elapsed time."""
    return None if seconds is None else int(seconds * 0.3)

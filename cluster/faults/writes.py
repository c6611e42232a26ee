"""Writes through the API while a fault happens, checked afterwards: each one stored exactly once.

The promise is that nothing is lost or duplicated: chat messages (the chat faults check those),
tickets, credit entries and survey answers. A `Writer` thread, started before the fault and
stopped once the service has recovered, keeps writing through nginx as a shop's backend, a staff
tool and a customer would:

- a ticket, `POST /api/v1/tickets` with a shop key (its subject names the write);
- a credit grant, `POST .../credit/grants` with a staff key (its note names the write);
- a credit redemption, `POST .../credit/redemptions` with an `Idempotency-Key`, sent again with the
  same key after any answer that is not final (none, a 5xx, a 429), as the API contract lets a
  shop do, until a final one;
- an exit survey's answer: the shop asks for a link (`POST /api/v1/exit-surveys`), then the
  customer opens it and sends the form (each from a loopback address of its own, as the answer
  page is rate-limited per address), sending it again after any answer that is not final.

Afterwards `check` reads the database: a write answered 201 is stored exactly once; one refused
(any other status) is not stored; one that got no answer (the connection dropped or timed out) is
stored at most once; a redemption's key is stored at most once, and exactly once when it ended 201.
A survey answer accepted (302 to the thanks page) is stored; a survey holds one answer at most (the
schema's one-to-one).
"""

import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from ..config import ClusterConfig
from ..probe import Answer, post_json, request
from .common import Report, django_setup

FUNDS = "1000.00"  # granted before the fault, so every redemption of 1.00 is covered
CURRENCY = "USD"
STAFF_EMAIL = "manager@example.com"  # a demo manager: grants of 1.00 are within the limits
REQUEST_TIMEOUT = 10
RETRY_PAUSE = 0.5
RETRY_FOR = 90.0  # seconds a redemption keeps being retried with its key
FINAL = {201, 409, 422}  # a redemption's answers that end it (contract: created, no credit, key misused)
ANSWERED = 302  # the survey form, accepted: on to the thanks page
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;,\s]+)")


@dataclass
class Write:
    kind: str  # "ticket", "grant", "redemption" or "survey"
    name: str  # the subject, note, idempotency key or survey link that identifies it in the database
    statuses: list[int] = field(default_factory=list)  # every answer's status, 0 for none

    @property
    def last(self) -> int:
        return self.statuses[-1]


class Writer(threading.Thread):
    """Keeps writing tickets, grants and redemptions through nginx until `stop()`."""

    def __init__(self, config: ClusterConfig, *, interval: float = 0.3):
        super().__init__(name="fault-writer", daemon=True)
        self.config, self.interval = config, interval
        self.run_id = secrets.token_hex(4)
        self.customer = f"fault-{self.run_id}"
        self.writes: list[Write] = []
        self._stopping = threading.Event()
        self._shop_key = self._staff_key = self._reason = self._exit_reason = ""

    def prepare(self) -> None:
        """Make the keys, the customer (by a first ticket) and its funds, before the fault."""
        django_setup(self.config)
        from django.contrib.auth import get_user_model
        from django.db import connections

        from helpdesk.api.keys import api_key_create
        from helpdesk.credits.models import CreditReason
        from surveys.selectors import exit_reasons_offered

        staff = get_user_model().objects.get(email=STAFF_EMAIL)
        self._shop_key = api_key_create(name=f"fault writes {self.run_id}")[1]
        self._staff_key = api_key_create(name=f"fault writes {self.run_id} (staff)", user=staff)[1]
        self._reason = CreditReason.objects.filter(active=True).values_list("code", flat=True).first()
        self._exit_reason = exit_reasons_offered()[0].code
        connections.close_all()
        first = self._ticket(0)
        funded = self._post(
            f"customers/{self.customer}/credit/grants",
            {"amount": FUNDS, "currency": CURRENCY, "reason": self._reason, "note": f"{self.customer} funds"},
            self._staff_key,
        )
        if first.last != 201 or funded.status != 201:
            raise RuntimeError(
                f"could not prepare the writes: ticket {first.statuses}, grant {funded.status} {funded.body}"
            )
        self.writes.clear()  # the preparation is not part of the fault

    def run(self) -> None:
        number = 0
        while not self._stopping.is_set():
            number += 1
            (self._ticket, self._grant, self._redemption, self._survey)[number % 4](number)
            self._stopping.wait(self.interval)

    def stop(self) -> None:
        self._stopping.set()
        self.join(timeout=RETRY_FOR + REQUEST_TIMEOUT)

    def _post(self, path: str, data: dict, key: str, **headers: str) -> Answer:
        return post_json(
            f"{self.config.url}/api/v1/{path}",
            data,
            timeout=REQUEST_TIMEOUT,
            headers={"Authorization": f"Bearer {key}", **headers},
        )

    def _record(self, kind: str, name: str, answer: Answer) -> Write:
        write = Write(kind, name, [answer.status])
        self.writes.append(write)
        return write

    def _customer_data(self) -> dict:
        return {"external_id": self.customer, "email": f"{self.customer}@example.com", "name": "Fault Writer"}

    def _ticket(self, number: int) -> Write:
        subject = f"{self.customer} ticket {number}"
        body = {"customer": self._customer_data(), "subject": subject, "body": "Written while a fault happens."}
        return self._record("ticket", subject, self._post("tickets", body, self._shop_key))

    def _grant(self, number: int) -> Write:
        note = f"{self.customer} grant {number}"
        body = {"amount": "1.00", "currency": CURRENCY, "reason": self._reason, "note": note}
        return self._record(
            "grant", note, self._post(f"customers/{self.customer}/credit/grants", body, self._staff_key)
        )

    def _redemption(self, number: int) -> Write:
        key = f"{self.customer}-redeem-{number}"
        body = {"amount": "1.00", "currency": CURRENCY, "order": f"{self.customer}-{number}"}
        write = Write("redemption", key)
        self.writes.append(write)
        deadline = time.monotonic() + RETRY_FOR
        while True:
            answer = self._post(
                f"customers/{self.customer}/credit/redemptions", body, self._shop_key, **{"Idempotency-Key": key}
            )
            write.statuses.append(answer.status)
            if answer.status in FINAL or time.monotonic() > deadline:
                return write
            time.sleep(RETRY_PAUSE)

    def _survey(self, number: int) -> Write:
        reference = f"{self.customer}-exit-{number}"
        body = {"customer": self._customer_data(), "context": "other", "reference": reference}
        link = self._post("exit-surveys", body, self._shop_key)
        url = link.json().get("url", "") if link.status == 201 else ""
        write = Write("survey", url or reference, [link.status])
        self.writes.append(write)
        source = f"127.0.1.{10 + number % 200}"  # the answer page allows 30 requests a minute per address
        deadline = time.monotonic() + RETRY_FOR
        while url and time.monotonic() < deadline:
            page = request("GET", url, timeout=REQUEST_TIMEOUT, source=source)
            form = _survey_form(page) if page.status == 200 else None
            if form is None:
                write.statuses.append(page.status)
                if page.status == 200 or _final(page.status):
                    return write
            else:
                fields = {"csrfmiddlewaretoken": form[0], "reasons": self._exit_reason, "comment": reference}
                sent = request(
                    "POST",
                    url,
                    body=urlencode(fields).encode(),
                    timeout=REQUEST_TIMEOUT,
                    headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={form[1]}"},
                    source=source,
                )
                write.statuses.append(sent.status)
                if _final(sent.status):
                    return write
            time.sleep(RETRY_PAUSE)
        return write


def _final(status: int) -> bool:
    """An answer after which sending the same form again is pointless: accepted, or refused for good."""
    return status == ANSWERED or (400 <= status < 500 and status != 429)


def _survey_form(page: Answer) -> tuple[str, str] | None:
    token, cookie = CSRF_FIELD.search(page.body), CSRF_COOKIE.search(page.headers.get("set-cookie", ""))
    return (token.group(1), cookie.group(1)) if token and cookie else None


def allowed(write: Write) -> set[int]:
    """How many times a write may be stored, given its answers."""
    if write.kind == "survey":
        return _survey_allowed(write)
    if write.last == 201:
        return {1}
    if write.kind == "redemption":
        # Sent again with its key until a final answer: a 409 or 422 stored nothing; a redemption
        # still unanswered when the retries ran out may or may not have been stored.
        return {0} if write.last in FINAL else {0, 1}
    return {0, 1} if write.last == 0 else {0}  # no answer: the server may have stored it before the drop


def _survey_allowed(write: Write) -> set[int]:
    if ANSWERED in write.statuses:
        return {1}
    # Refused, or never asked for (no link): nothing stored; a form sent without an answer may have been.
    return {0, 1} if 0 in write.statuses[1:] else {0}


def misplaced(writes: list[Write], stored: dict[str, Counter]) -> list[str]:
    """The writes stored a number of times their answers rule out."""
    return [
        f"{write.kind} {write.name}: answers {write.statuses}, stored {stored[write.kind][write.name]} times"
        for write in writes
        if stored[write.kind][write.name] not in allowed(write)
    ]


def _survey_answers(link: str) -> int:
    """How many completed answers the survey behind a link holds (0 for a write that got no link)."""
    from surveys.errors import SurveyError
    from surveys.models import SurveyResponse
    from surveys.selectors import survey_for_link

    token = urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]
    try:
        survey = survey_for_link(token)
    except SurveyError:
        return 0
    return SurveyResponse.objects.filter(survey=survey, completed_at__isnull=False).count()


def check(writer: Writer, report: Report) -> None:
    """Read what each write left in the database and report it (after the service recovered)."""
    from django.db import connections

    from helpdesk.credits.models import CreditEntry, EntryKind
    from helpdesk.tickets.models import Ticket

    connections.close_all()  # this process's connections may predate a database restart
    prefix = writer.customer
    stored = {
        "ticket": Counter(Ticket.objects.filter(subject__startswith=prefix).values_list("subject", flat=True)),
        "grant": Counter(
            CreditEntry.objects.filter(kind=EntryKind.GRANT, note__startswith=prefix).values_list("note", flat=True)
        ),
        "redemption": Counter(
            CreditEntry.objects.filter(kind=EntryKind.REDEEM, idempotency_key__startswith=prefix).values_list(
                "idempotency_key", flat=True
            )
        ),
    }
    stored["survey"] = Counter(
        {write.name: _survey_answers(write.name) for write in writer.writes if write.kind == "survey"}
    )
    answers = Counter((write.kind, write.last) for write in writer.writes)
    retried = sum(1 for write in writer.writes if write.kind == "redemption" and len(write.statuses) > 1)
    report.saw(f"writes through the API during the fault, by kind and last answer: {dict(sorted(answers.items()))}")
    report.saw(f"redemptions sent again with the same Idempotency-Key: {retried}")
    wrong = misplaced(writer.writes, stored)
    report.check(bool(writer.writes), f"the writer made {len(writer.writes)} writes")
    report.check(not wrong, f"every write answered 201 is stored once, every refused one not at all: {wrong[:5]}")


EXPECTED_WRITES = (
    "writes during the fault (tickets, credit grants, redemptions sent again with their Idempotency-Key, "
    "exit-survey answers) are stored exactly once when accepted and not at all when refused"
)


@contextmanager
def writes_checked(config: ClusterConfig, report: Report) -> Iterator[Writer]:
    """Keep writing through the API for the duration of the block, then check every write."""
    writer = Writer(config)
    writer.prepare()
    writer.start()
    report.step("a writer keeps writing tickets, credit grants, redemptions and exit-survey answers (about 3 a second)")
    try:
        yield writer
    finally:
        writer.stop()
    check(writer, report)

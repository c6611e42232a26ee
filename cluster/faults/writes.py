"""Writes through the API while a fault happens, checked afterwards: each one stored exactly once.

The promise is that nothing is lost or duplicated: chat messages (the chat faults check those),
tickets and credit entries. A `Writer` thread, started before the fault and stopped once the
service has recovered, keeps writing through nginx as a shop's backend and a staff tool would:

- a ticket, `POST /api/v1/tickets` with a shop key (its subject names the write);
- a credit grant, `POST .../credit/grants` with a staff key (its note names the write);
- a credit redemption, `POST .../credit/redemptions` with an `Idempotency-Key`, sent again with the
  same key after any answer that is not final (none, a 5xx, a 429), as the API contract lets a
  shop do, until a final one.

Afterwards `check` reads the database: a write answered 201 is stored exactly once; one refused
(any other status) is not stored; one that got no answer (the connection dropped or timed out) is
stored at most once; a redemption's key is stored at most once, and exactly once when it ended 201.
"""

import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..config import ClusterConfig
from ..probe import Answer, post_json
from .common import Report, django_setup

FUNDS = "1000.00"  # granted before the fault, so every redemption of 1.00 is covered
CURRENCY = "USD"
STAFF_EMAIL = "manager@example.com"  # a demo manager: grants of 1.00 are within the limits
REQUEST_TIMEOUT = 10
RETRY_PAUSE = 0.5
RETRY_FOR = 90.0  # seconds a redemption keeps being retried with its key
FINAL = {201, 409, 422}  # a redemption's answers that end it (contract: created, no credit, key misused)


@dataclass
class Write:
    kind: str  # "ticket", "grant" or "redemption"
    name: str  # the subject, note or idempotency key that identifies it in the database
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
        self._shop_key = self._staff_key = self._reason = ""

    def prepare(self) -> None:
        """Make the keys, the customer (by a first ticket) and its funds, before the fault."""
        django_setup(self.config)
        from django.contrib.auth import get_user_model
        from django.db import connections

        from helpdesk.api.keys import api_key_create
        from helpdesk.credits.models import CreditReason

        staff = get_user_model().objects.get(email=STAFF_EMAIL)
        self._shop_key = api_key_create(name=f"fault writes {self.run_id}")[1]
        self._staff_key = api_key_create(name=f"fault writes {self.run_id} (staff)", user=staff)[1]
        self._reason = CreditReason.objects.filter(active=True).values_list("code", flat=True).first()
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
            (self._ticket, self._grant, self._redemption)[number % 3](number)
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

    def _ticket(self, number: int) -> Write:
        subject = f"{self.customer} ticket {number}"
        customer = {"external_id": self.customer, "email": f"{self.customer}@example.com", "name": "Fault Writer"}
        body = {"customer": customer, "subject": subject, "body": "Written while a fault happens."}
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


def allowed(write: Write) -> set[int]:
    """How many times a write may be stored, given its answers."""
    if write.last == 201:
        return {1}
    if write.kind == "redemption":
        # Sent again with its key until a final answer: a 409 or 422 stored nothing; a redemption
        # still unanswered when the retries ran out may or may not have been stored.
        return {0} if write.last in FINAL else {0, 1}
    return {0, 1} if write.last == 0 else {0}  # no answer: the server may have stored it before the drop


def misplaced(writes: list[Write], stored: dict[str, Counter]) -> list[str]:
    """The writes stored a number of times their answers rule out."""
    return [
        f"{write.kind} {write.name}: answers {write.statuses}, stored {stored[write.kind][write.name]} times"
        for write in writes
        if stored[write.kind][write.name] not in allowed(write)
    ]


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
    answers = Counter((write.kind, write.last) for write in writer.writes)
    retried = sum(1 for write in writer.writes if len(write.statuses) > 1)
    report.saw(f"writes through the API during the fault, by kind and last answer: {dict(sorted(answers.items()))}")
    report.saw(f"redemptions sent again with the same Idempotency-Key: {retried}")
    wrong = misplaced(writer.writes, stored)
    report.check(bool(writer.writes), f"the writer made {len(writer.writes)} writes")
    report.check(not wrong, f"every write answered 201 is stored once, every refused one not at all: {wrong[:5]}")


EXPECTED_WRITES = (
    "writes through the API during the fault (tickets, credit grants, redemptions sent again with their "
    "Idempotency-Key) are stored exactly once when answered 201 and not at all when refused"
)


@contextmanager
def writes_checked(config: ClusterConfig, report: Report) -> Iterator[Writer]:
    """Keep writing through the API for the duration of the block, then check every write."""
    writer = Writer(config)
    writer.prepare()
    writer.start()
    report.step("a writer keeps creating tickets, credit grants and redemptions through the API (about 3 a second)")
    try:
        yield writer
    finally:
        writer.stop()
    check(writer, report)

"""The reports benchmark's data beyond the inbox's tickets: help-centre reading and searching, chats,
post-purchase answers, exit surveys and goodwill credits, generated as rows.

Reading: anonymous sessions spread evenly over the last `days` days, each reading 1-3 articles of
one language (the popular articles far more often: Zipf-skewed), with a view, its engaged seconds
(exponential, mean 40 s) and scroll depth per article, a `next` action between articles and
sometimes after the last one (chat, ticket, search), a helpful vote now and then, and for a few
sessions a server-side `contact` event within two days. Searches come from a pool of queries per
language written three ways (as typed, with Arabic ي/ك, with a ZWNJ or diacritic dropped), some
with no results, most of the rest clicked.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

EVENT_FIELDS = ("id", "session", "article_id", "locale", "kind", "value", "next_kind", "created_at", "day")
SEARCH_FIELDS = ("id", "query", "locale", "result_count", "source", "clicks", "created_at")
ARTICLES_PER_SESSION = ((1, 70), (2, 20), (3, 10))
LAST_NEXT = (("", 80), ("search", 8), ("chat", 6), ("ticket", 6))
VOTE_SHARE = 0.08
HELPFUL_SHARE = 0.7
CONTACT_SHARE = 0.05
LOCALES = (("en", 50), ("fa", 30), ("ar", 20))
NO_RESULT_SHARE = 0.15
CLICK_SHARE = 0.7
SEARCH_WORDS = {
    "en": ["refund", "delivery", "return", "password", "invoice", "voucher", "tracking", "size", "warranty", "cod"],
    "fa": [
        "بازگشت وجه",
        "ارسال",
        "مرجوعی",
        "رمز عبور",
        "فاکتور",
        "کد تخفیف",
        "پیگیری سفارش",
        "سایز",
        "گارانتی",
        "می‌خواهم",
    ],
    "ar": ["استرداد", "التوصيل", "إرجاع", "كلمة المرور", "فاتورة", "قسيمة", "تتبع الطلب", "المقاس", "الضمان", "الدفع"],
}


def _weighted(pairs, rng: random.Random):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _zipf_weights(count: int) -> list[float]:
    return [1 / (rank + 1) for rank in range(count)]


@dataclass
class Reading:
    """Generates the help centre's raw events and searches; ids count up from 1."""

    articles: dict[str, list[int]]  # language -> article page ids
    now: datetime
    days: int
    seed: int = 8
    event_id: int = 0
    search_id: int = 0
    sessions: int = 0
    rng: random.Random = field(init=False)

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.weights = {locale: _zipf_weights(len(ids)) for locale, ids in self.articles.items()}

    def _event(self, session, article, locale, kind, at, value=None, next_kind=""):
        self.event_id += 1
        return (self.event_id, session, article, locale, kind, value, next_kind, at, timezone.localdate(at))

    def session_events(self) -> list[tuple]:
        rng = self.rng
        self.sessions += 1
        locale = _weighted(LOCALES, rng)
        session = f"{rng.getrandbits(128):032x}"
        at = self.now - timedelta(days=rng.randrange(self.days), seconds=rng.randrange(86_400))
        count = _weighted(ARTICLES_PER_SESSION, rng)
        read = rng.choices(self.articles[locale], self.weights[locale], k=count)
        rows = []
        for position, article in enumerate(read):
            rows.append(self._event(session, article, locale, "view", at))
            engaged = min(int(rng.expovariate(1 / 40)), 14_400)
            at += timedelta(seconds=engaged)
            rows.append(self._event(session, article, locale, "engaged", at, engaged))
            rows.append(self._event(session, article, locale, "scroll", at, rng.randrange(101)))
            if rng.random() < VOTE_SHARE:
                rows.append(self._event(session, article, locale, "vote", at, int(rng.random() < HELPFUL_SHARE)))
            next_kind = "article" if position < count - 1 else _weighted(LAST_NEXT, rng)
            if next_kind:
                rows.append(self._event(session, article, locale, "next", at, next_kind=next_kind))
            at += timedelta(seconds=5)
        if rng.random() < CONTACT_SHARE:
            later = at + timedelta(seconds=rng.randrange(2 * 86_400))
            if later < self.now:
                rows.append(
                    self._event(session, None, locale, "contact", later, next_kind=rng.choice(["chat", "ticket"]))
                )
        return rows

    def events(self, total: int, chunk: int):
        """Chunks of about `chunk` event rows until `total` rows were made."""
        rows: list[tuple] = []
        while self.event_id < total:
            rows += self.session_events()
            if len(rows) >= chunk:
                yield rows
                rows = []
        if rows:
            yield rows

    def searches(self, total: int):
        rng = self.rng
        rows = []
        for _ in range(total):
            self.search_id += 1
            locale = _weighted(LOCALES, rng)
            words = SEARCH_WORDS[locale]
            query = rng.choices(words, _zipf_weights(len(words)))[0]
            if locale == "fa" and rng.random() < 0.3:
                query = query.replace("ی", "ي").replace("ک", "ك").replace("\u200c", " ")
            results = 0 if rng.random() < NO_RESULT_SHARE else rng.randrange(1, 20)
            clicks = int(results > 0 and rng.random() < CLICK_SHARE)
            at = self.now - timedelta(days=rng.randrange(self.days), seconds=rng.randrange(86_400))
            rows.append((self.search_id, query, locale, results, "web", clicks, at))
        return rows


def chats(customers: list[int], *, count: int, now: datetime, days: int, seed: int = 9) -> list:
    """Ended chats of known customers over `days` days: 70 % the bot's, 25 % answered by a person, 5 % missed."""
    import uuid

    from chat.metrics import chat_clock, first_response_verdict, unanswered_verdict
    from chat.models import Conversation

    rng = random.Random(seed)
    clock = chat_clock()
    rows = []
    for _ in range(count):
        started = now - timedelta(days=rng.randrange(days), seconds=rng.randrange(86_400))
        kind = rng.random()
        queued = accepted = replied = None
        if kind >= 0.70:
            queued = started + timedelta(seconds=rng.randrange(30, 300))
            if kind < 0.95:
                accepted = queued + timedelta(seconds=rng.randrange(5, 600))
                replied = accepted + timedelta(seconds=rng.randrange(5, 60))
        ended = (replied or queued or started) + timedelta(minutes=5)
        # Timed as chat.services times a first reply when it is written, and a missed chat when it ends.
        business = unanswered = breached = None
        if replied:
            business, breached = first_response_verdict(clock, queued, replied)
        elif queued:
            unanswered, breached = unanswered_verdict(clock, queued, ended)
        rows.append(
            Conversation(
                public_id=uuid.UUID(int=rng.getrandbits(128)),
                visitor_key_hash=f"{rng.getrandbits(256):064x}",
                customer_id=rng.choice(customers),
                locale=_weighted(LOCALES, rng),
                status="ended",
                created_at=started,
                queued_at=queued,
                accepted_at=accepted,
                first_agent_reply_at=replied,
                first_response_business_seconds=business,
                first_response_breached=breached,
                unanswered_business_seconds=unanswered,
                ended_at=ended,
            )
        )
    return rows


def answers(customers: list[int], *, count: int, exits: int, now: datetime, days: int, seed: int = 10) -> tuple:
    """Answered post-purchase surveys (NPS 0-10, skewed high) and exit surveys of known customers."""
    from surveys.models import Survey, SurveyResponse

    rng = random.Random(seed)
    surveys, responses = [], []
    for number in range(count + exits):
        exit_survey = number >= count
        at = now - timedelta(days=rng.randrange(days), seconds=rng.randrange(86_400))
        customer = rng.choice(customers)
        survey = Survey(
            kind="exit" if exit_survey else "post_purchase",
            status="sent" if exit_survey else "answered",
            customer_id=customer,
            created_at=at,
            sent_at=at,
        )
        surveys.append(survey)
        if not exit_survey:
            score = min(10, max(0, round(rng.gauss(8, 2.2))))
            responses.append(
                (survey, SurveyResponse(kind="post_purchase", customer_id=customer, nps=score, created_at=at))
            )
    Survey.objects.bulk_create(surveys, batch_size=2_000)
    for survey, response in responses:
        response.survey = survey
    SurveyResponse.objects.bulk_create([response for _survey, response in responses], batch_size=2_000)
    return len(responses), exits


def credits(customers: list[int], *, count: int, now: datetime, days: int, seed: int = 11) -> int:
    """One goodwill grant (USD 5-50) for `count` distinct customers over `days` days."""
    from helpdesk.credits.models import CreditAccount, CreditEntry

    rng = random.Random(seed)
    chosen = rng.sample(customers, min(count, len(customers)))
    amounts = [Decimal(rng.randrange(5, 51)) for _ in chosen]
    accounts = CreditAccount.objects.bulk_create(
        CreditAccount(customer_id=customer, currency="USD", balance=amount)
        for customer, amount in zip(chosen, amounts, strict=True)
    )
    CreditEntry.objects.bulk_create(
        (
            CreditEntry(
                account=account,
                kind="grant",
                amount=amount,
                balance_after=amount,
                actor_label="benchmark",
                created_at=now - timedelta(days=rng.randrange(days), seconds=rng.randrange(86_400)),
            )
            for account, amount in zip(accounts, amounts, strict=True)
        ),
        batch_size=2_000,
    )
    return len(accounts)

"""Survey answers are free text from anyone holding a link; managers read them on the reports page.

A comment (post-purchase, ticket, exit) and the exit-intent question's comment reach the managers'
page and its CSV; an exit survey's comment and shop reference reach the follow-up ticket.
"""

import pytest
from django.utils import timezone

from helpdesk.tickets.models import Ticket
from surveys.models import (
    ExitContext,
    ExitIntentAnswer,
    Survey,
    SurveyKind,
    SurveyResponse,
    SurveySettings,
)
from surveys.tokens import link_issue, unsubscribe_token
from tests.hostile.conftest import BIDI, FORMULAS, LONE_SURROGATE_FORM, MARKUP, NUL, nothing_written
from tests.hostile.inert import assert_inert, csv_rows, formula_cells, unisolated_bidi, visible_text

pytestmark = pytest.mark.django_db

REPORTS = "/en/staff/surveys/"
VISITOR = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def reasons(exit_reasons):
    return exit_reasons


@pytest.fixture
def link(customer_emma, reasons):
    """Open a survey of a kind for Emma; return the path of its page."""

    def make(kind=SurveyKind.POST_PURCHASE, **fields) -> str:
        now = timezone.now()
        if kind == SurveyKind.POST_PURCHASE:
            fields.setdefault("order", customer_emma.orders.get())
        if kind == SurveyKind.EXIT:
            fields.setdefault("context", ExitContext.SUBSCRIPTION_CANCELLED)
        survey = Survey(kind=kind, customer=customer_emma, locale="en", created_at=now, **fields)
        signed = link_issue(survey, now, 30)
        survey.save()
        return f"/en/surveys/s/{signed}/"

    return make


@pytest.mark.parametrize("payload", [*MARKUP.values(), BIDI["rlo"] + "gpj.exe"], ids=[*MARKUP, "rlo"])
def test_a_comment_is_inert_on_the_managers_page_and_in_the_follow_up(client, lina, sara, link, payload):
    answered = client.post(link(), {"nps": "2", "csat": "1", "comment": f"Late {payload}"})

    assert answered.status_code == 302
    page = lina.get(REPORTS)
    assert_inert(page.content, payload, where="survey reports")
    assert unisolated_bidi(page.content) == []
    assert f"Late {payload}" in visible_text(page.content)
    follow_up = Ticket.objects.get()  # a detractor's answer opens one, with the comment quoted
    assert_inert(sara.get(f"/en/staff/tickets/{follow_up.pk}/").content, payload, where="follow-up ticket")


def test_an_exit_surveys_reference_and_comment_are_inert_in_its_follow_up(client, sara, link, reasons):
    page = link(SurveyKind.EXIT, reference=MARKUP["attribute-breakout"])

    answered = client.post(page, {"reasons": ["customer-service"], "comment": MARKUP["script"]})

    assert answered.status_code == 302
    ticket = Ticket.objects.get()
    assert MARKUP["attribute-breakout"] in ticket.messages.get().body  # quoted as the shop sent it
    assert_inert(sara.get(f"/en/staff/tickets/{ticket.pk}/").content, *MARKUP.values())


def test_the_comments_csv_defuses_every_formula_in_comments_and_names(client, lina, link, customer_emma):
    customer_emma.name = FORMULAS["hyperlink"]
    customer_emma.save(update_fields=["name"])
    for number, formula in enumerate(FORMULAS.values()):
        survey = link(SurveyKind.TICKET, ticket=None) if number else link()
        assert client.post(survey, {"nps": "9", "csat": "5", "comment": f"{formula}"}).status_code == 302

    rows = csv_rows(lina.get("/en/staff/surveys/comments.csv"))

    assert len(rows) == 1 + len(FORMULAS)
    assert formula_cells(rows) == []
    assert {row[5] for row in rows[1:]} == {"'" + FORMULAS["hyperlink"]}


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"comment": f"Late{NUL}"}, "Null characters are not allowed."),
        ({"comment": "x" * 4001}, "at most 4000 characters"),
        ({"reasons": ["<script>alert(1)</script>"]}, "Select a valid choice."),
    ],
    ids=["nul", "too-long", "unknown-reason"],
)
def test_an_answer_that_cannot_be_kept_is_refused_and_nothing_is_written(client, link, fields, problem):
    page = link(SurveyKind.EXIT)

    with nothing_written():
        response = client.post(page, {"reasons": ["price"], **fields})

    assert response.status_code == 400
    assert problem in response.content.decode()


def test_a_lone_surrogate_in_a_comment_arrives_replaced(client, link):
    body = f"nps=9&csat=5&comment=Fine{LONE_SURROGATE_FORM}"

    response = client.post(link(), body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 302
    assert SurveyResponse.objects.get().comment.startswith("Fine\ufffd")


@pytest.mark.parametrize(
    "token",
    [lambda customer: unsubscribe_token(customer.public_id), lambda customer: str(customer.public_id)],
    ids=["unsubscribe-token", "customer-id"],
)
def test_another_links_token_opens_no_survey_and_writes_nothing(client, customer_emma, link, token):
    link()  # Emma has a survey; these are not its link

    with nothing_written():
        response = client.post(f"/en/surveys/s/{token(customer_emma)}/", {"nps": "0", "comment": "x"})

    assert response.status_code == 404


def test_an_exit_intent_comment_and_page_are_inert_for_managers(client, lina, reasons):
    SurveySettings.objects.update_or_create(pk=1, defaults={"exit_intent_enabled": True})
    data = {
        "reason": reasons["price"].pk,
        "visitor": VISITOR,
        "page": f"javascript:alert(1)//{MARKUP['attribute-breakout']}",
        "comment": f"{MARKUP['img-onerror']} {BIDI['rlo']}gpj.exe",
    }

    response = client.post("/en/surveys/exit-intent/", data)

    assert response.status_code == 200 and ExitIntentAnswer.objects.count() == 1
    page = lina.get(REPORTS)
    assert_inert(page.content, *MARKUP.values(), where="exit-intent comments")
    assert unisolated_bidi(page.content) == []

"""The widget's exit-intent question: off by default, one answer per visitor in 30 days, nothing personal kept."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.translation import gettext

from surveys.models import ExitIntentAnswer, ExitReason

pytestmark = pytest.mark.django_db

VISITOR = "0123456789abcdef0123456789abcdef"
URL = "/{language}/surveys/exit-intent/"


@pytest.fixture
def reasons(config, exit_reasons):
    return exit_reasons


@pytest.fixture
def switched_on(config, reasons):
    config.exit_intent_enabled = True
    config.save()
    return reasons


def _answer(client, choice, *, visitor=VISITOR, language="en", **fields):
    data = {"reason": choice.pk, "visitor": visitor, "page": "/products/tea?utm_source=mail#top", **fields}
    return client.post(URL.format(language=language), data)


def test_it_is_off_by_default_and_the_loader_is_told(client, config):
    assert client.get("/en/chat/widget/launcher.json").json()["exit_intent"] is False
    # A loader with an older launcher.json may still open the frame: it says so and can be closed.
    response = client.get(URL.format(language="en") + f"?visitor={VISITOR}")
    html = response.content.decode()
    assert response.status_code == 404 and "not being asked at the moment" in html and "data-close" in html
    assert _answer(client, ExitReason(pk=1)).status_code == 404 and not ExitIntentAnswer.objects.exists()


def test_switched_on_the_question_is_asked_in_the_visitors_language_in_a_frame(client, switched_on):
    assert client.get("/fa/chat/widget/launcher.json").json()["exit_intent"] is True

    response = client.get(URL.format(language="fa") + f"?visitor={VISITOR}&page=/products/tea")

    html = response.content.decode()
    assert response.status_code == 200 and 'dir="rtl"' in html
    assert "X-Frame-Options" not in response  # the loader frames it on the shop's page
    with translation.override("fa"):
        assert gettext("Before you go: what stopped you today?") in html
    assert f'value="{VISITOR}"' in html and 'value="/products/tea"' in html
    assert switched_on["price"].label("fa") in html


def test_an_answer_is_kept_once_without_the_query_of_the_page(client, switched_on):
    response = _answer(client, switched_on["price"], comment="  Too dear for me ")

    assert response.status_code == 200 and "Thank you!" in response.content.decode()
    answer = ExitIntentAnswer.objects.get()
    assert (answer.reason, answer.comment, answer.page, answer.locale) == (
        switched_on["price"], "Too dear for me", "/products/tea", "en",
    )  # fmt: skip
    assert VISITOR not in answer.visitor_hash

    again = _answer(client, switched_on["found-alternative"])
    assert again.status_code == 200 and "Thank you!" in again.content.decode()
    assert ExitIntentAnswer.objects.count() == 1
    _answer(client, switched_on["found-alternative"], visitor="f" * 32)
    assert ExitIntentAnswer.objects.count() == 2


def test_the_same_visitor_may_answer_again_after_30_days(client, switched_on):
    _answer(client, switched_on["price"])
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        _answer(client, switched_on["price"])

    assert ExitIntentAnswer.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reason": ""}, "Please choose an answer."),
        ({"reason": "999999"}, "Select a valid choice."),
        ({"comment": "x" * 1001}, "at most 1000 characters"),
        ({"visitor": "not-a-visitor"}, "opened without the widget"),
    ],
)
def test_bad_answers_are_refused_with_the_reason_and_nothing_is_kept(client, switched_on, fields, message):
    response = _answer(client, switched_on["price"], **fields)

    assert response.status_code == 400 and message in response.content.decode()
    assert not ExitIntentAnswer.objects.exists()


def test_an_inactive_reason_is_not_offered_and_not_accepted(client, switched_on):
    price = switched_on["price"]
    price.active = False
    price.save()

    assert price.name not in client.get(URL.format(language="en") + f"?visitor={VISITOR}").content.decode()
    assert _answer(client, price).status_code == 400


@pytest.mark.usefixtures("rate_window")
def test_answering_is_rate_limited(client, switched_on):
    statuses = [_answer(client, switched_on["price"], visitor=f"{n:032x}").status_code for n in range(11)]

    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_managers_see_why_visitors_were_leaving(client, switched_on, manager_lina):
    _answer(client, switched_on["price"], comment="Shipping costs too much")
    _answer(client, switched_on["price"], visitor="e" * 32)
    _answer(client, switched_on["found-alternative"], visitor="d" * 32)
    client.force_login(manager_lina)
    today = timezone.localdate().isoformat()

    page = client.get(f"/en/staff/surveys/?from={today}&to={today}").content.decode()
    csv = client.get(f"/en/staff/surveys/exit-intent.csv?from={today}&to={today}").content.decode()

    assert "Visitors leaving the shop" in page and "Shipping costs too much" in page
    assert "Price" in csv and csv.strip().splitlines()[1:] == ["Price,2", "Found an alternative,1", "All answers,3"]

"""Values read straight from the query string or a form, not through a form field: never a server error.

Django's form fields refuse a NUL; a value a view reads itself reaches the database as it is (and
PostgreSQL refuses a NUL in a query), `int()` (which refuses "²" although `str.isdigit()` accepts it)
or `redirect()` (which reads a bare word as a view's name).
"""

from urllib.parse import urlencode, urlsplit

import pytest
from django.utils import timezone

from surveys.models import Survey, SurveyKind, SurveyResponse
from surveys.tokens import link_issue
from tests.hostile.conftest import LONE_SURROGATE_FORM

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = {
    "nul": "a%00b",
    "lone-surrogate": f"a{LONE_SURROGATE_FORM}b",
    "markup": "%3Cscript%3E",
    "superscript-digit": "%C2%B2",  # "²": str.isdigit() says yes, int() says no
}
STAFF_QUERIES = [
    "/en/staff/customers/?q={}",
    "/en/staff/customers/?page={}",
    "/en/staff/tickets/?view=open&q={}",
    "/en/staff/tickets/?view=open&tag={}&assignee={}&team={}",
    "/en/staff/tickets/?view=open&after={}",
    "/en/staff/tickets/?fragment=list&view={}",
    "/en/staff/reports/sla/?from={}",
    "/en/staff/reports/sla/breaches/?from=2025-01-01&to=2025-01-31&page={}",
    "/en/staff/surveys/?q={}&page={}",
    "/en/staff/reports/kb/?locale={}",
    "/en/staff/tickets/macros/1/preview/?ticket={}",
    "/en/staff/credit/grant/?customer=00000000-0000-4000-8000-000000000000&ticket={}",
    "/admin/customers/customer/?q={}",
    "/admin/tickets/ticket/?q={}",
    "/admin/orders/order/?q={}",
    "/admin/chat/conversation/?q={}",
    "/cms/pages/search/?q={}",
]
PUBLIC_QUERIES = [
    "/en/support/?page={}",
    "/en/staff/sign-in/?next={}",
    "/en/staff/sign-in/?next=/{}",
    "/en/support/new/?order={}&kb_session={}",
    "/en/support/confirm/{}/",
    "/en/account/sign-in/?next={}",
    "/en/account/sign-in/?next=/{}",
    "/en/account/sign-in/?next=//{}",
    "/en/account/sign-in/{}/",
    "/en/help/search/?q={}&locale={}",
    "/en/help/search/?q=tea&page={}",
    "/en/surveys/s/{}/",
    "/en/surveys/unsubscribe/{}/",
    "/en/surveys/exit-intent/?visitor={}&page={}",
    "/en/chat/widget/?page={}",
]


@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
@pytest.mark.parametrize("url", STAFF_QUERIES)
def test_a_hostile_query_string_on_a_staff_page_is_never_a_server_error(lina, url, value):
    response = lina.get(url.replace("{}", value))

    assert response.status_code < 500


@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
@pytest.mark.parametrize("url", PUBLIC_QUERIES)
def test_a_hostile_query_string_on_a_public_page_is_never_a_server_error(emma, url, value):
    response = emma.get(url.replace("{}", value))

    assert response.status_code < 500


NEXT_VALUES = {**HOSTILE_VALUES, "view-name": "inbox:list", "word": "portal", "elsewhere": "//evil.example/"}
FORMS_WITH_NEXT = {
    "inbox bulk": ("/en/staff/tickets/bulk/", {"action": "status"}),
    "language": ("/i18n/setlang/", {"language": "fa"}),
}


@pytest.mark.parametrize("value", NEXT_VALUES.values(), ids=NEXT_VALUES.keys())
@pytest.mark.parametrize(("url", "data"), FORMS_WITH_NEXT.values(), ids=FORMS_WITH_NEXT.keys())
def test_a_hostile_next_after_a_form_goes_back_to_this_site(sara, url, data, value):
    response = sara.post(url, f"{urlencode(data)}&next={value}", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 302
    assert urlsplit(response["Location"])[:2] == ("", "")  # no scheme, no host: somewhere on this site


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/en/staff/tickets/bulk/", {"tickets": "²", "action": "status", "status": "pending"}),
        ("/en/staff/credit/grant/?customer={customer}&ticket=²", None),
    ],
    ids=["bulk", "grant"],
)
def test_a_digit_that_is_not_a_number_is_never_a_server_error(sara, customer_emma, url, data):
    url = url.format(customer=customer_emma.public_id)

    response = sara.post(url, data) if data else sara.get(url)

    assert response.status_code in (200, 302)


def test_a_survey_link_clicked_with_a_score_that_is_not_a_number_asks_for_one(client, customer_emma):
    survey = Survey(kind=SurveyKind.POST_PURCHASE, customer=customer_emma, created_at=timezone.now())
    signed = link_issue(survey, timezone.now(), 30)
    survey.save()

    response = client.get(f"/en/surveys/s/{signed}/?nps=%C2%B2")

    assert response.status_code == 200
    assert not SurveyResponse.objects.exists()

"""Every CSV a manager downloads defuses cells a spreadsheet would run, whoever wrote them.

Survey comments and customer names are covered with the surveys (test_surveys.py); here the other
exports: the SLA report's tickets (agents' names) and the help centre's articles (editors' titles).
"""

import pytest
from django.utils import timezone

from helpdesk.accounts.roles import AGENT
from helpdesk.accounts.services import staff_user_ensure
from helpdesk.tickets.services import ticket_assign, ticket_create
from kb.models import ArticleDaily, ArticlePage
from tests.conftest import PASSWORD
from tests.hostile.conftest import FORMULAS
from tests.hostile.inert import csv_rows, formula_cells
from tests.kb.search_support import exchange_record, import_articles, search_index  # noqa: F401

pytestmark = pytest.mark.django_db


def today_query() -> dict:
    today = timezone.localdate().isoformat()
    return {"from": today, "to": today}


def test_the_sla_csv_defuses_agents_names(lina, customer_emma):
    for number, formula in enumerate(FORMULAS.values()):
        agent = staff_user_ensure(email=f"agent{number}@example.com", password=PASSWORD, role=AGENT, full_name=formula)
        ticket = ticket_create(customer=customer_emma, subject=f"Order {number}", body="Where is it?")
        ticket_assign(ticket=ticket, assignee=agent, by=agent)

    rows = csv_rows(lina.get("/en/staff/reports/sla/tickets.csv", today_query()))

    assert len(rows) == 1 + len(FORMULAS)
    assert formula_cells(rows) == []
    assert [row[5] for row in rows[1:]] == ["'" + formula.strip() for formula in FORMULAS.values()]


@pytest.mark.usefixtures("search_index")
def test_the_help_centre_csv_defuses_article_titles(lina):
    one_line = [formula for formula in FORMULAS.values() if "\r" not in formula]  # the importer refuses the rest
    import_articles(*(exchange_record(f"formula-{n}.en", f"{formula} title", "Body.") for n, formula in
                      enumerate(one_line)))  # fmt: skip
    for article in ArticlePage.objects.all():  # a day of reading, so each article has a row
        ArticleDaily.objects.create(day=timezone.localdate(), article=article, locale="en", views=1, sessions=1)

    rows = csv_rows(lina.get("/en/staff/reports/kb/articles.csv", today_query()))

    assert len(rows) == 1 + len(one_line)
    assert formula_cells(rows) == []
    assert sorted(row[0] for row in rows[1:]) == sorted(f"'{formula.strip()} title" for formula in one_line)

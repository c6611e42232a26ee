import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from helpdesk.accounts.models import User
from helpdesk.accounts.roles import user_roles
from helpdesk.credits.models import CreditLimit
from helpdesk.customers.models import Customer
from helpdesk.orders.models import Order
from helpdesk.sla.models import Calendar
from helpdesk.tickets.models import Ticket


def _seed(**options):
    from io import StringIO

    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_creates_the_contract_users_prints_working_logins_and_is_idempotent(settings):
    """One test, since seeding imports the whole demo help centre: the second run changes nothing."""
    settings.DEBUG = True

    output = _seed()

    passwords = json.loads((Path(settings.DATA_DIR) / "demo-logins.json").read_text())
    for email, role in [
        ("agent@example.com", "Agent"),
        ("agent2@example.com", "Agent"),
        ("manager@example.com", "Manager"),
    ]:
        assert f"{email}" in output and passwords[email] in output
        user = authenticate(email=email, password=passwords[email])
        assert user is not None and user.is_staff
        assert user_roles(user) == {role}
    assert User.objects.get(email="admin@example.com").is_superuser
    counts = (User.objects.count(), Customer.objects.count(), Order.objects.count(), Ticket.objects.count())

    assert _seed() == output

    assert (User.objects.count(), Customer.objects.count(), Order.objects.count(), Ticket.objects.count()) == counts
    assert counts[3] >= 6 and Ticket.objects.filter(locale="fa", status="pending").exists()
    assert Calendar.objects.get(is_default=True).name == "Tehran office"
    assert {c.locale for c in Customer.objects.all()} == {"en", "ar", "fa"}
    assert Customer.objects.filter(name="رضا محمدی").exists()
    assert CreditLimit.objects.count() == 6
    assert CreditLimit.objects.get(role="agent", currency="SAR").per_grant == Decimal("93.75")


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug():
    assert not settings.DEBUG
    with pytest.raises(CommandError, match="DEBUG"):
        _seed()
    assert not User.objects.filter(email="agent@example.com").exists()

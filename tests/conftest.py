"""The named cast every test can use, and the switches for optional services."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from helpdesk.accounts.roles import AGENT, MANAGER
from helpdesk.accounts.services import staff_user_ensure
from helpdesk.api.keys import api_key_create
from helpdesk.credits.models import CreditLimit, CreditReason, LimitRole
from helpdesk.customers.services import CustomerData
from helpdesk.orders.services import OrderData, OrderLineData, order_upsert

PASSWORD = "correct horse battery staple"

requires_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="DATABASE_URL does not point at PostgreSQL",
)
requires_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """pytest-django's test database, copied from a migrated template instead of migrated per worker.

    Django would migrate each worker's test database from nothing (most of a minute of CPU);
    bench/migrated.py migrates one template per checkout and copies it. `migrate` then runs
    as usual and finds nothing to apply, so a new migration still reaches the tests. The copy
    is dropped at the end of the session.
    """
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    from bench.migrated import copy_sqlite_template, create_postgres_database

    name = connection.creation._get_test_db_name()
    if connection.vendor == "postgresql":
        create_postgres_database(os.environ["DATABASE_URL"], name)
    else:
        copy_sqlite_template(Path(name))
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=True,  # the copy is the database to use; teardown below drops it
        )
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=request.config.option.verbose)


@pytest.fixture(autouse=True)
def _clean_slate():
    """Each test starts from zero rate-limit counters (they live in the cache) and in English."""
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def rate_window():
    """Rate limits count in fixed one-minute windows: start a burst at the next window's first second.

    Without this, a burst that straddles a minute boundary on a slow machine is split between
    two windows and never reaches the limit. The clock keeps ticking, forward of the real one.
    """
    start = (timezone.now() + timezone.timedelta(minutes=1)).replace(second=1, microsecond=0)
    with time_machine.travel(start, tick=True):
        yield


@pytest.fixture
def exit_reasons(db):
    """The default exit reasons by code, made as the data migration makes them.

    A transactional test's flush removes the migration's rows, so tests that need them ask again.
    """
    from importlib import import_module

    from django.apps import apps

    from surveys.models import ExitReason

    import_module("surveys.migrations.0002_defaults").forwards(apps, None)
    return {reason.code: reason for reason in ExitReason.objects.all()}


@pytest.fixture
def agent_sara(db):
    return staff_user_ensure(email="sara@example.com", password=PASSWORD, role=AGENT, full_name="Sara Ahmadi")


@pytest.fixture
def agent_omar(db):
    return staff_user_ensure(email="omar@example.com", password=PASSWORD, role=AGENT, full_name="Omar Haddad")


@pytest.fixture
def manager_lina(db):
    return staff_user_ensure(email="lina@example.com", password=PASSWORD, role=MANAGER, full_name="Lina Karimi")


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser("root@example.com", PASSWORD)


def make_order(external_id: str, customer: CustomerData, *, status="delivered", total="42.00", currency="USD"):
    placed = timezone.now().replace(microsecond=0) - timezone.timedelta(days=5)
    order, _ = order_upsert(
        data=OrderData(
            external_id=external_id,
            customer=customer,
            status=status,
            placed_at=placed,
            delivered_at=placed + timezone.timedelta(days=2) if status == "delivered" else None,
            total=Decimal(total),
            currency=currency,
            lines=[OrderLineData(sku="SKU-1", name="Saffron tea", quantity=1, price=Decimal(total))],
        )
    )
    return order


REZA = CustomerData(external_id="c-reza", email="reza@example.com", name="رضا محمدی", locale="fa")
EMMA = CustomerData(external_id="c-emma", email="emma@example.com", name="Emma Clarke", locale="en")


@pytest.fixture
def customer_reza(db):
    return make_order("ORD-REZA-1", REZA).customer


@pytest.fixture
def customer_emma(db):
    return make_order("ORD-EMMA-1", EMMA, currency="EUR").customer


@pytest.fixture
def shop_key(db):
    """A shop API key: returns the Authorization header value."""
    _key, raw = api_key_create(name="shop backend")
    return f"Bearer {raw}"


@pytest.fixture
def staff_key(agent_sara):
    _key, raw = api_key_create(name="sara's script", user=agent_sara)
    return f"Bearer {raw}"


@pytest.fixture
def late_delivery(db):
    # get_or_create: a transactional test's flush removes the rows the data migration made.
    reason, _created = CreditReason.objects.get_or_create(
        code="late-delivery", defaults={"name": "Late delivery", "name_ar": "تأخر التوصيل", "name_fa": "تأخیر در ارسال"}
    )
    return reason


@pytest.fixture
def limits(db):
    """Agents may grant 20 USD at once and 50 USD per 30 days; managers 200 and 1000."""
    CreditLimit.objects.create(role=LimitRole.AGENT, currency="USD", per_grant=Decimal("20"), per_30_days=Decimal("50"))
    CreditLimit.objects.create(
        role=LimitRole.MANAGER, currency="USD", per_grant=Decimal("200"), per_30_days=Decimal("1000")
    )

"""Demo data for `manage.py seed_demo`: the contract's users, realistic customers and orders, a help centre."""

import json
import secrets
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from helpdesk.accounts.roles import AGENT, MANAGER
from helpdesk.accounts.services import staff_user_ensure
from helpdesk.customers.services import CustomerData
from helpdesk.orders.services import OrderData, OrderLineData, order_upsert

DEMO_STAFF = [
    ("agent@example.com", AGENT, "Sara Ahmadi"),
    ("agent2@example.com", AGENT, "Omar Haddad"),
    ("manager@example.com", MANAGER, "Lina Karimi"),
]
DEMO_ADMIN = "admin@example.com"

DEMO_CUSTOMERS = [
    CustomerData(
        external_id="demo-c-1001",
        email="reza.mohammadi@example.com",
        name="رضا محمدی",
        locale="fa",
        phone="+98 912 555 0101",
    ),
    CustomerData(external_id="demo-c-1002", email="maryam.hosseini@example.com", name="مریم حسینی", locale="fa"),
    CustomerData(
        external_id="demo-c-1003",
        email="fatima.alzahrani@example.com",
        name="فاطمة الزهراني",
        locale="ar",
        phone="+966 50 555 0102",
    ),
    CustomerData(external_id="demo-c-1004", email="khalid.alqasimi@example.com", name="خالد القاسمي", locale="ar"),
    CustomerData(external_id="demo-c-1005", email="emma.clarke@example.com", name="Emma Clarke", locale="en"),
    CustomerData(external_id="demo-c-1006", email="daniel.okafor@example.com", name="Daniel Okafor", locale="en"),
]

DEMO_PRODUCTS = [
    ("SKU-TEA-01", "Saffron tea, 250 g", Decimal("18.50")),
    ("SKU-RUG-07", "Hand-woven runner rug", Decimal("240.00")),
    ("SKU-DATE-03", "Medjool dates gift box", Decimal("32.00")),
    ("SKU-LAMP-02", "Brass lantern", Decimal("65.90")),
    ("SKU-SOAP-11", "Olive oil soap set", Decimal("12.75")),
]

# Shops in each market price in their own currency; product prices above are in USD.
CURRENCY_BY_LOCALE = {"fa": ("IRR", Decimal("1000000")), "ar": ("SAR", Decimal("3.75")), "en": ("USD", Decimal("1"))}

# kb/demo holds a shop's help centre in kb_import's format (kb/FORMAT.md), plus its FAQ pages.
KB_DEMO_FILES = ("help-centre.json", "faq.json")


def demo_passwords(data_dir: Path) -> dict[str, str]:
    """Return the demo passwords, generated once and kept in the data dir (never committed)."""
    path = data_dir / "demo-logins.json"
    stored = json.loads(path.read_text()) if path.exists() else {}
    emails = [email for email, _role, _name in DEMO_STAFF] + [DEMO_ADMIN]
    changed = False
    for email in emails:
        if email not in stored:
            stored[email] = secrets.token_urlsafe(9)
            changed = True
    if changed:
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored, indent=2))
        path.chmod(0o600)
    return stored


def _demo_orders(index: int, customer: CustomerData) -> list[OrderData]:
    now = timezone.now().replace(microsecond=0)
    orders = []
    for number in range(2):
        sku, name, usd_price = DEMO_PRODUCTS[(index + number) % len(DEMO_PRODUCTS)]
        currency, rate = CURRENCY_BY_LOCALE[customer.locale]
        price = (usd_price * rate).quantize(Decimal("0.01"))
        quantity = 1 + (index + number) % 3
        placed = now - timedelta(days=3 + index * 4 + number * 11)
        delivered = number == 1 or index % 2 == 0
        orders.append(
            OrderData(
                external_id=f"DEMO-{1001 + index}-{number + 1}",
                customer=customer,
                status="delivered" if delivered else "shipped",
                placed_at=placed,
                delivered_at=placed + timedelta(days=2) if delivered else None,
                total=price * quantity,
                currency=currency,
                lines=[OrderLineData(sku=sku, name=name, quantity=quantity, price=price)],
            )
        )
    return orders


def seed_help_centre() -> None:
    """Load the demo help centre (articles in three languages, FAQ pages) through kb_import."""
    from kb.exchange import import_bytes
    from kb.setup import kb_tree_ensure

    kb_tree_ensure()
    demo_dir = Path(settings.BASE_DIR) / "kb" / "demo"
    for name in KB_DEMO_FILES:
        import_bytes((demo_dir / name).read_bytes())


def seed_demo() -> dict[str, tuple[str, str]]:
    """Create or refresh the demo data; return {email: (role, password)} for the staff logins."""
    passwords = demo_passwords(Path(settings.DATA_DIR))
    logins = {}
    for email, role, name in DEMO_STAFF:
        staff_user_ensure(email=email, password=passwords[email], role=role, full_name=name)
        logins[email] = (role, passwords[email])
    from helpdesk.accounts.models import User

    if not User.objects.filter(email=DEMO_ADMIN).exists():
        User.objects.create_superuser(DEMO_ADMIN, passwords[DEMO_ADMIN], first_name="Admin")
    logins[DEMO_ADMIN] = ("Admin", passwords[DEMO_ADMIN])
    for index, customer in enumerate(DEMO_CUSTOMERS):
        for order in _demo_orders(index, customer):
            order_upsert(data=order)
    seed_help_centre()
    from helpdesk.credits.demo import credits_demo_ensure
    from helpdesk.sla.demo import sla_demo_ensure
    from helpdesk.tickets.demo import tickets_demo_ensure

    sla_demo_ensure()
    tickets_demo_ensure()
    credits_demo_ensure()
    return logins

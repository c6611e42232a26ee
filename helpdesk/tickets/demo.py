"""Demo tickets and macros for `manage.py seed_demo`, written through the services like real ones."""

from django.db import transaction

from helpdesk.accounts.models import User
from helpdesk.customers.models import Customer

from . import services
from .models import Macro, MacroText, Status, Tag, Team, Ticket

# (customer external id, subject, opening message, agent reply or "", status after reply, priority, tags, note)
DEMO_TICKETS = [
    (
        "demo-c-1001",
        "سفارشم هنوز نرسیده",
        "سلام، سفارشم را یک هفته پیش ثبت کردم و هنوز نرسیده است. لطفاً پیگیری کنید.",
        "",
        Status.NEW,
        "high",
        ["shipping"],
        "",
    ),
    (
        "demo-c-1002",
        "درخواست مرجوعی فرش",
        "فرش رسید ولی رنگش با عکس سایت فرق دارد. چطور مرجوع کنم؟",
        "مریم عزیز، متأسفیم. لطفاً یک عکس از فرش بفرستید تا برگشت را ثبت کنیم.",
        Status.PENDING,
        "normal",
        ["returns"],
        "",
    ),
    (
        "demo-c-1003",
        "لم يصل رمز الخصم",
        "طلبت رمز خصم عبر البريد ولم يصلني شيء.",
        "",
        Status.NEW,
        "normal",
        ["promotions"],
        "Check the promotions mailer logs.",
    ),
    (
        "demo-c-1004",
        "الفانوس وصل مكسوراً",
        "وصل الفانوس النحاسي مكسوراً من جهة الزجاج.",
        "نعتذر جداً يا خالد. سنرسل لك بديلاً خلال يومين.",
        Status.SOLVED,
        "urgent",
        ["damaged"],
        "",
    ),
    (
        "demo-c-1005",
        "Charged twice for my order",
        "Hi, my card was charged twice for the same order. Can you help?",
        "",
        Status.NEW,
        "urgent",
        ["billing"],
        "",
    ),
    (
        "demo-c-1006",
        "Change delivery address",
        "Can I still change the delivery address on my last order?",
        "Hi Daniel, yes, reply with the new address and we will update it before it ships.",
        Status.PENDING,
        "low",
        [],
        "",
    ),
]

DEMO_MACROS = [
    (
        "Ask for a photo",
        Status.PENDING,
        {
            "en": "Hi {first_name}, sorry about this. Could you send us a photo of the item from order {order_number}?",
            "ar": "مرحباً {first_name}، نعتذر عن ذلك. هل يمكنك إرسال صورة للمنتج من الطلب {order_number}؟",
            "fa": "{first_name} عزیز، متأسفیم. لطفاً یک عکس از کالای سفارش {order_number} برای ما بفرستید.",
        },
    ),
    (
        "Refund issued",
        Status.SOLVED,
        {
            "en": "Hi {first_name}, we have refunded order {order_number}. It reaches your card within 5 working days.",
            "ar": "مرحباً {first_name}، أعدنا مبلغ الطلب {order_number}. سيصل إلى بطاقتك خلال ٥ أيام عمل.",
            "fa": "{first_name} عزیز، مبلغ سفارش {order_number} بازگردانده شد و ظرف ۵ روز کاری به کارت شما می‌رسد.",
        },
    ),
]


@transaction.atomic
def tickets_demo_ensure() -> None:
    """Create the demo macros, team and tickets once; later runs leave them as they are."""
    for name, status, texts in DEMO_MACROS:
        macro, _created = Macro.objects.get_or_create(name=name, defaults={"set_status": status})
        for locale, body in texts.items():
            MacroText.objects.get_or_create(macro=macro, locale=locale, defaults={"body": body})
    agents = list(User.objects.filter(email__in=["agent@example.com", "agent2@example.com"]).order_by("email"))
    team, _ = Team.objects.get_or_create(name="Customer care")
    team.members.add(*agents)
    Tag.objects.get_or_create(name="vip")
    if Ticket.objects.filter(customer__external_id__startswith="demo-c-").exists() or not agents:
        return
    for index, (external_id, subject, body, reply, status, priority, tags, note) in enumerate(DEMO_TICKETS):
        customer = Customer.objects.get(external_id=external_id)
        agent = agents[index % len(agents)]
        ticket = services.ticket_create(
            customer=customer, subject=subject, body=body, priority=priority, order=customer.orders.first()
        )
        if tags:
            services.ticket_tag(ticket=ticket, by=agent, add=tags)
        if note:
            services.ticket_add_note(ticket=ticket, body=note, by=agent)
        if reply:
            services.ticket_reply(ticket=ticket, body=reply, by=agent, status=status)

"""Emails about credit: to the customer when it is granted, to managers and back about approvals."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from helpdesk.accounts.roles import MANAGER
from helpdesk.core.mail import one_line, templated_email

from .models import CreditEntry, CreditRequest, RequestStatus


def _subject(template: str, context: dict) -> str:
    return one_line(render_to_string(template, context))


@task()
def credit_granted_email(*, entry_id: int, message: str = "") -> bool:
    """Tell the customer, in their language, that credit was added and how to use it."""
    entry = CreditEntry.objects.select_related("account__customer", "reason").filter(pk=entry_id).first()
    if entry is None or not entry.account.customer.email:
        return False
    customer = entry.account.customer
    with translation.override(customer.locale):
        context = {
            "entry": entry,
            "customer": customer,
            "reason": entry.reason.label(customer.locale) if entry.reason else "",
            "message": message,
            "url": settings.SITE_URL + reverse("credits:portal"),
            "site_name": settings.WAGTAIL_SITE_NAME,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "language": customer.locale,
        }
        templated_email(
            template="credits/email/granted",
            context=context,
            to=[customer.email],
            headers={"Auto-Submitted": "auto-generated"},
        ).send()
    return True


def _managers(excluding):
    users = get_user_model().objects.filter(Q(groups__name=MANAGER) | Q(is_superuser=True), is_active=True)
    return users.exclude(pk=excluding.pk).exclude(email="").distinct()


@task()
def credit_request_notify(*, request_id: int) -> int:
    """Ask the managers (never the requester) to decide on a grant over its limits."""
    request = CreditRequest.objects.select_related("customer", "requested_by", "reason").filter(pk=request_id).first()
    if request is None or request.status != RequestStatus.PENDING:
        return 0
    sent = 0
    for manager in _managers(request.requested_by):
        with translation.override(manager.preferred_language or settings.LANGUAGE_CODE):
            context = {"request": request, "url": settings.SITE_URL + reverse("credits_staff:approvals")}
            sent += send_mail(
                _subject("credits/email/request_subject.txt", context),
                render_to_string("credits/email/request.txt", context),
                None,
                [manager.email],
            )
    return sent


@task()
def credit_decision_notify(*, request_id: int) -> bool:
    """Tell the agent who asked whether their grant was approved, and the manager's note."""
    request = CreditRequest.objects.select_related("customer", "requested_by", "decided_by").filter(pk=request_id)
    request = request.first()
    if request is None or request.status == RequestStatus.PENDING or not request.requested_by.email:
        return False
    agent = request.requested_by
    with translation.override(agent.preferred_language or settings.LANGUAGE_CODE):
        context = {"request": request, "url": settings.SITE_URL + reverse("credits_staff:approvals")}
        send_mail(
            _subject("credits/email/decision_subject.txt", context),
            render_to_string("credits/email/decision.txt", context),
            None,
            [agent.email],
        )
    return True

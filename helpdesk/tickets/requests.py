"""Tickets asked for without signing in: nothing exists until the visitor confirms the address.

The confirmation email carries none of the visitor's words (no name, subject or body), so the
form cannot be used to send chosen text to a stranger's inbox.

A visitor whose address already belongs to a customer gets the ticket on that customer: opening
the link proves control of the address, the same proof a sign-in link asks for. Otherwise a new
customer is keyed `email:<address>`, apart from the shop's own external ids.

The help-centre reading session a request came from (docs/analytics.md, "Contact events") waits
in the cache, beside the request rather than in it, until the link is confirmed or expires.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from helpdesk.core.mail import templated_email
from helpdesk.core.sanitize import plain_text
from helpdesk.customers.models import Customer
from helpdesk.customers.services import customer_for_email

from .errors import TicketError, TicketErrorCode
from .models import Channel, Ticket, TicketRequest
from .services import ticket_create
from .text import clean_body, clean_subject

NAME_MAX = 200


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clean_name(value: str) -> str:
    """One line of plain text: line breaks (header injection) collapse to spaces."""
    if "\x00" in (value or ""):
        raise TicketError(TicketErrorCode.INVALID_TEXT)
    return " ".join(plain_text(value).split())[:NAME_MAX]


@transaction.atomic
def ticket_request_submit(
    *, email: str, name: str, subject: str, body: str, locale: str, kb_session: str = ""
) -> TicketRequest:
    """Keep a request until its address is confirmed, and email the confirmation link on commit.

    `kb_session`: the help-centre session the visitor came from, handed back once by
    `ticket_request_kb_session_take` when the link is confirmed.
    """
    token = secrets.token_urlsafe(32)
    max_age = settings.HELPDESK_TICKET_REQUEST_MAX_AGE
    request = TicketRequest.objects.create(
        email=email.strip().lower(),
        name=clean_name(name),
        subject=clean_subject(subject),
        body=clean_body(body),
        locale=locale if locale in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        token_hash=_hash(token),
        expires_at=timezone.now() + timedelta(seconds=max_age),
    )
    if kb_session:
        # robust: losing a reading statistic must not cost the visitor their confirmation email.
        transaction.on_commit(lambda: cache.set(_kb_session_key(token), kb_session, max_age), robust=True)
    # robust: a mail server that is down is logged; the visitor can send the form again.
    transaction.on_commit(lambda: _send_confirmation(request, token, max_age), robust=True)
    return request


def _kb_session_key(token: str) -> str:
    return f"tickets:request-kb-session:{_hash(token)}"


def ticket_request_kb_session_take(*, token: str) -> str:
    """Return the help-centre session a confirmed request came from ("" if none), and forget it."""
    key = _kb_session_key(token or "")
    session = cache.get(key, "")
    cache.delete(key)
    return session


def _send_confirmation(request: TicketRequest, token: str, max_age: int) -> None:
    with translation.override(request.locale):
        context = {
            "url": settings.SITE_URL + reverse("tickets:request_confirm", kwargs={"token": token}),
            "hours": max(1, max_age // 3600),
            "site_name": settings.WAGTAIL_SITE_NAME,
            "language": request.locale,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
        }
        templated_email(
            template="tickets/request/email/confirm",
            context=context,
            to=[request.email],
            headers={"Auto-Submitted": "auto-generated"},
        ).send()


def _customer_for(request: TicketRequest) -> Customer:
    return customer_for_email(email=request.email, name=request.name, locale=request.locale)


@transaction.atomic
def ticket_request_confirm(*, token: str) -> Ticket:
    """Turn a confirmed request into a ticket, once; refuse used, unknown and expired links."""
    request = TicketRequest.objects.filter(token_hash=_hash(token or "")).first()
    if request is None:
        raise TicketError(TicketErrorCode.LINK_INVALID)
    if request.ticket_id is not None:
        raise TicketError(TicketErrorCode.LINK_USED)
    if request.expires_at <= timezone.now():
        raise TicketError(TicketErrorCode.LINK_EXPIRED)
    ticket = ticket_create(
        customer=_customer_for(request),
        subject=request.subject,
        body=request.body,
        channel=Channel.WEB,
        locale=request.locale,
    )
    # Claimed by a conditional update, so two confirmations racing create one ticket between them.
    if not TicketRequest.objects.filter(pk=request.pk, ticket__isnull=True).update(ticket=ticket):
        raise TicketError(TicketErrorCode.LINK_USED)
    return ticket


@transaction.atomic
def ticket_requests_purge(*, now: datetime | None = None) -> int:
    """Delete expired requests, confirmed or not: unconfirmed addresses are not kept; return how many."""
    deleted, _by_model = TicketRequest.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted

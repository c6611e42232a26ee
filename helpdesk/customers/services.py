"""Write path for customers and their sign-in links."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Customer, MagicLink

MAGIC_LINK_SALT = "helpdesk.customers.magic-link"


class MagicLinkErrorCode(StrEnum):
    EXPIRED = "expired"
    USED = "used"
    INVALID = "invalid"


class MagicLinkError(Exception):
    """A sign-in link that cannot be used; `code` says why."""

    def __init__(self, code: MagicLinkErrorCode):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CustomerData:
    external_id: str
    email: str
    name: str = ""
    locale: str = ""
    phone: str = ""


def _update_fields(customer: Customer, data: CustomerData) -> list[str]:
    changed = []
    for field in ("email", "name", "locale", "phone"):
        value = getattr(data, field)
        if value and getattr(customer, field) != value:
            setattr(customer, field, value)
            changed.append(field)
    return changed


@transaction.atomic
def customer_upsert(*, data: CustomerData) -> tuple[Customer, bool]:
    """Create the customer with this external id, or update the fields given."""
    customer = Customer.objects.select_for_update().filter(external_id=data.external_id).first()
    if customer is None:
        try:
            with transaction.atomic():
                customer = Customer.objects.create(
                    external_id=data.external_id,
                    email=data.email.lower(),
                    name=data.name,
                    locale=data.locale or settings.LANGUAGE_CODE,
                    phone=data.phone,
                )
            return customer, True
        except IntegrityError:  # created concurrently by another request
            customer = Customer.objects.select_for_update().get(external_id=data.external_id)
    changed = _update_fields(customer, CustomerData(**{**data.__dict__, "email": data.email.lower()}))
    if changed:
        customer.save(update_fields=changed)
    return customer, False


EMAIL_EXTERNAL_ID_PREFIX = "email:"


def customer_for_email(*, email: str, name: str = "", locale: str = "") -> Customer:
    """The customer who owns this address, or a new one keyed `email:<address>` apart from the shop's ids."""
    existing = Customer.objects.filter(email__iexact=email).order_by("-created_at").first()
    if existing is not None:
        return existing
    data = CustomerData(external_id=f"{EMAIL_EXTERNAL_ID_PREFIX}{email.lower()}", email=email, name=name, locale=locale)
    return customer_upsert(data=data)[0]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def magic_link_issue(*, customer: Customer, next_url: str = "") -> str:
    """Create a sign-in link for the customer and email it; return the signed token."""
    token = secrets.token_urlsafe(32)
    max_age = settings.MAGIC_LINK_MAX_AGE
    MagicLink.objects.create(
        customer=customer,
        token_hash=_hash(token),
        expires_at=timezone.now() + timedelta(seconds=max_age),
    )
    signed = signing.TimestampSigner(salt=MAGIC_LINK_SALT).sign(token)
    # robust: a mail server that is down is logged, and the page looks the same as for an unknown address.
    transaction.on_commit(lambda: _send_magic_link(customer, signed, next_url, max_age), robust=True)
    return signed


def _send_magic_link(customer: Customer, signed: str, next_url: str, max_age: int) -> None:
    # The email and the page the link opens both speak the customer's language.
    with translation.override(customer.locale):
        url = settings.SITE_URL + reverse("customers:magic_link", kwargs={"token": signed})
        if next_url:
            url += "?" + urlencode({"next": next_url})
        context = {"customer": customer, "url": url, "minutes": max_age // 60, "site_name": settings.WAGTAIL_SITE_NAME}
        send_mail(
            subject=render_to_string("customers/email/magic_link_subject.txt", context).strip(),
            message=render_to_string("customers/email/magic_link.txt", context),
            from_email=None,
            recipient_list=[customer.email],
        )


@transaction.atomic
def magic_link_redeem(*, signed_token: str) -> Customer:
    """Use a sign-in link once and return its customer, or raise MagicLinkError."""
    signer = signing.TimestampSigner(salt=MAGIC_LINK_SALT)
    try:
        token = signer.unsign(signed_token, max_age=settings.MAGIC_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise MagicLinkError(MagicLinkErrorCode.EXPIRED) from None
    except signing.BadSignature:
        raise MagicLinkError(MagicLinkErrorCode.INVALID) from None
    now = timezone.now()
    link = MagicLink.objects.select_related("customer").filter(token_hash=_hash(token)).first()
    if link is None:
        raise MagicLinkError(MagicLinkErrorCode.INVALID)
    if link.expires_at <= now:
        raise MagicLinkError(MagicLinkErrorCode.EXPIRED)
    claimed = MagicLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now)
    if not claimed:
        raise MagicLinkError(MagicLinkErrorCode.USED)
    return link.customer

import threading

import pytest
from django.db import connection

from helpdesk.customers.models import Customer, MagicLink
from helpdesk.customers.services import (
    CustomerData,
    MagicLinkError,
    MagicLinkErrorCode,
    customer_upsert,
    magic_link_issue,
    magic_link_redeem,
)
from tests.conftest import requires_postgres


@pytest.mark.django_db
def test_only_a_hash_of_the_link_is_stored(customer_emma):
    signed = magic_link_issue(customer=customer_emma)

    token = signed.split(":", 1)[0]
    link = MagicLink.objects.get()
    assert token not in link.token_hash
    assert len(link.token_hash) == 64


@pytest.mark.django_db
def test_a_redeemed_link_cannot_be_redeemed_again(customer_emma):
    signed = magic_link_issue(customer=customer_emma)

    assert magic_link_redeem(signed_token=signed) == customer_emma
    with pytest.raises(MagicLinkError) as error:
        magic_link_redeem(signed_token=signed)

    assert error.value.code is MagicLinkErrorCode.USED


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_redemptions_sign_in_once(customer_emma):
    signed = magic_link_issue(customer=customer_emma)
    start = threading.Barrier(2)
    outcomes = []

    def redeem():
        start.wait()
        try:
            outcomes.append(magic_link_redeem(signed_token=signed).pk)
        except MagicLinkError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(map(str, outcomes)) == sorted([str(customer_emma.pk), MagicLinkErrorCode.USED])


@pytest.mark.django_db
def test_upsert_creates_a_customer_with_a_lower_case_email():
    customer, created = customer_upsert(data=CustomerData(external_id="c-new", email="New@Example.com", locale="ar"))

    assert created
    assert (customer.email, customer.locale) == ("new@example.com", "ar")


@pytest.mark.django_db
def test_upsert_changes_only_the_fields_given(customer_emma):
    customer, created = customer_upsert(data=CustomerData(external_id="c-emma", email="EMMA.C@example.com"))

    assert not created
    customer.refresh_from_db()
    assert (customer.email, customer.name, customer.locale) == ("emma.c@example.com", "Emma Clarke", "en")
    assert Customer.objects.count() == 1

"""The shop's identity token: a valid one names the customer; forged, expired or long-lived ones name nobody."""

import base64
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from chat.identity import Identity, customer_for_identity, identity_sign, identity_verify
from helpdesk.customers.models import Customer

SECRET = "a shared secret the shop keeps on its backend"
NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
DOCS = Path(settings.BASE_DIR) / "docs" / "chat-protocol.md"

pytestmark = pytest.mark.usefixtures("shared_secret")


@pytest.fixture
def shared_secret():
    with override_settings(HELPDESK_CHAT_IDENTITY_SECRET=SECRET):
        yield


def token(**changes) -> str:
    claims = {"external_id": "c-reza", "email": "Reza@Example.com", "name": "رضا  محمدی", "expires_at": NOW}
    claims["expires_at"] += timedelta(minutes=15)
    return identity_sign(**(claims | changes))


def test_a_valid_token_names_the_customer():
    assert identity_verify(token(), now=NOW) == Identity(
        external_id="c-reza", email="reza@example.com", name="رضا محمدی"
    )


@pytest.mark.parametrize(
    "expires_at",
    [NOW, NOW - timedelta(seconds=1), NOW + timedelta(hours=24, seconds=1), NOW + timedelta(days=365)],
)
def test_an_expired_or_too_long_lived_token_is_refused(expires_at):
    assert identity_verify(token(expires_at=expires_at), now=NOW) is None


def test_a_token_valid_for_just_under_a_day_is_accepted():
    assert identity_verify(token(expires_at=NOW + timedelta(hours=24)), now=NOW) is not None


def _swap_payload(original: str, **claims) -> str:
    payload, signature = original.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps(decoded | claims).encode()).rstrip(b"=").decode()
    return f"{forged}.{signature}"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: _swap_payload(t, external_id="c-emma"),
        lambda t: _swap_payload(t, exp=int((NOW + timedelta(minutes=20)).timestamp())),
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),
        lambda t: t.split(".")[0],
        lambda t: t + ".x",
        lambda t: "",
        lambda t: "." * 3000,
        lambda t: "not base64!." + t.split(".")[1],
    ],
)
def test_a_tampered_or_malformed_token_is_refused(tamper):
    assert identity_verify(tamper(token()), now=NOW) is None


def test_a_token_signed_with_another_secret_is_refused():
    assert identity_verify(token(secret="someone else's secret"), now=NOW) is None


def test_without_a_configured_secret_every_token_is_refused():
    signed = token()
    with override_settings(HELPDESK_CHAT_IDENTITY_SECRET=""):
        assert identity_verify(signed, now=NOW) is None
        # Nor can anyone sign with the empty secret and get in.
        assert identity_verify(token(secret=""), now=NOW) is None


@pytest.mark.parametrize(
    "claims",
    [
        {"external_id": "", "email": "reza@example.com"},
        {"external_id": "c-reza", "email": "not an email"},
        {"external_id": "x" * 101, "email": "reza@example.com"},
        {"external_id": 42, "email": "reza@example.com"},
    ],
)
def test_a_signed_token_with_unusable_claims_is_refused(claims):
    assert identity_verify(token(**claims), now=NOW) is None


def test_an_upper_case_signature_is_accepted():
    payload, signature = token().split(".")

    assert identity_verify(f"{payload}.{signature.upper()}", now=NOW) is not None


@pytest.mark.django_db
def test_an_unknown_customer_is_created_from_the_token_and_a_known_one_is_reused(customer_emma):
    reza = customer_for_identity(Identity("c-new", "new@example.com", "New Person"), locale="fa")
    emma = customer_for_identity(Identity("c-emma", "someone.else@example.com"), locale="fa")

    assert (reza.external_id, reza.email, reza.name, reza.locale) == ("c-new", "new@example.com", "New Person", "fa")
    assert emma.pk == customer_emma.pk and emma.email == "emma@example.com"
    assert Customer.objects.count() == 2


def _documented(language: str) -> str:
    return re.search(rf"```{language}\n(.*?)```", DOCS.read_text(), re.S).group(1)


def test_the_documented_python_example_signs_tokens_the_server_accepts():
    namespace = {}
    exec(_documented("python"), namespace)  # noqa: S102 - our own documentation

    signed = namespace["sign_chat_identity"](SECRET, "c-reza", "reza@example.com", "Reza")

    assert identity_verify(signed) == Identity("c-reza", "reza@example.com", "Reza")


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_documented_javascript_example_signs_tokens_the_server_accepts():
    script = (
        _documented("js")
        + "\nprocess.stdout.write(signChatIdentity(process.argv[1], 'c-reza', 'r@example.com', 'رضا'));"
    )

    signed = subprocess.run(
        ["node", "-e", script, "--", SECRET], capture_output=True, text=True, check=True, timeout=30
    ).stdout

    assert identity_verify(signed) == Identity("c-reza", "r@example.com", "رضا")

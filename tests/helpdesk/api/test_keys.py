"""API keys: `manage.py create_api_key` and `api_key_check`."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from helpdesk.api.keys import api_key_check, api_key_create
from helpdesk.api.models import ApiKey

pytestmark = pytest.mark.django_db


def create_api_key(*args) -> str:
    out = StringIO()
    call_command("create_api_key", *args, stdout=out)
    return out.getvalue()


# --- manage.py create_api_key ---------------------------------------------------------------------


def test_command_prints_a_working_shop_key_once():
    output = create_api_key("--name", "shop backend")

    raw = output.strip()
    assert output.count("\n") == 1
    key = api_key_check(raw)
    assert key is not None
    assert key.name == "shop backend"
    assert key.is_shop_key
    assert key.expires_at is None


def test_command_stores_only_a_hash_of_the_key():
    raw = create_api_key("--name", "shop backend").strip()

    key = ApiKey.objects.get()
    secret = raw.split("_", 2)[2]
    stored = [str(value) for value in ApiKey.objects.values_list().get()]
    assert not any(secret in value or raw in value for value in stored)
    assert len(key.secret_hash) == 64
    assert raw.startswith(f"hd_{key.prefix}_")


def test_command_with_user_makes_a_staff_key(agent_sara):
    raw = create_api_key("--name", "sara's script", "--user", "SARA@example.com").strip()

    key = api_key_check(raw)
    assert key.user == agent_sara
    assert not key.is_shop_key


def test_command_refuses_an_unknown_user():
    with pytest.raises(CommandError, match=r"nobody@example\.com"):
        create_api_key("--name", "x", "--user", "nobody@example.com")

    assert ApiKey.objects.count() == 0


def test_command_refuses_a_user_who_is_not_staff(django_user_model):
    django_user_model.objects.create_user("shopper@example.com", "pw-not-used-here", is_staff=False)

    with pytest.raises(CommandError):
        create_api_key("--name", "x", "--user", "shopper@example.com")

    assert ApiKey.objects.count() == 0


def test_command_sets_the_expiry():
    raw = create_api_key("--name", "temporary", "--expires-in-days", "30").strip()

    key = api_key_check(raw)
    assert timezone.now() + timedelta(days=29) < key.expires_at <= timezone.now() + timedelta(days=30)


@pytest.mark.parametrize("days", ["0", "-1"])
def test_command_refuses_a_non_positive_expiry(days):
    with pytest.raises(CommandError, match="expires-in-days"):
        create_api_key("--name", "x", "--expires-in-days", days)

    assert ApiKey.objects.count() == 0


def test_command_requires_a_name():
    with pytest.raises(CommandError, match="--name"):
        create_api_key()


# --- api_key_check --------------------------------------------------------------------------------


@pytest.fixture
def shop_key_pair():
    return api_key_create(name="shop backend")


def test_check_accepts_the_key_and_records_its_use(shop_key_pair):
    key, raw = shop_key_pair

    assert api_key_check(raw) == key
    key.refresh_from_db()
    assert key.last_used_at is not None


def tampered(raw: str) -> str:
    last = raw[-1]
    return raw[:-1] + ("A" if last != "A" else "B")


@pytest.mark.parametrize(
    "mangle",
    [
        tampered,
        lambda raw: "xx" + raw[2:],
        lambda raw: raw.replace("hd_", "hd-", 1),
        lambda raw: "hd_" + "0" * 12 + raw[15:],
        lambda raw: raw[:15] + "_",
        lambda raw: raw + " ",
        lambda raw: raw.upper(),
        lambda raw: "",
        lambda raw: raw.replace(raw[3:15], raw[3:14] + "\x00"),
    ],
    ids=[
        "tampered secret",
        "wrong scheme",
        "wrong separator",
        "wrong prefix",
        "no secret",
        "trailing space",
        "upper case",
        "empty",
        "NUL in prefix",
    ],
)
def test_check_refuses_a_mangled_key(shop_key_pair, mangle):
    _key, raw = shop_key_pair

    assert api_key_check(mangle(raw)) is None


def test_check_refuses_a_revoked_key(shop_key_pair):
    key, raw = shop_key_pair
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())

    assert api_key_check(raw) is None


def test_check_refuses_an_expired_key(shop_key_pair):
    key, raw = shop_key_pair
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert api_key_check(raw) is None


def test_check_accepts_a_key_that_has_not_expired_yet(shop_key_pair):
    key, raw = shop_key_pair
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() + timedelta(minutes=1))

    assert api_key_check(raw) == key


def test_check_refuses_the_key_of_a_deactivated_staff_member(agent_sara):
    _key, raw = api_key_create(name="sara's script", user=agent_sara)
    agent_sara.is_active = False
    agent_sara.save(update_fields=["is_active"])

    assert api_key_check(raw) is None


def test_check_refuses_the_key_of_someone_no_longer_staff(agent_sara):
    _key, raw = api_key_create(name="sara's script", user=agent_sara)
    agent_sara.is_staff = False
    agent_sara.save(update_fields=["is_staff"])

    assert api_key_check(raw) is None

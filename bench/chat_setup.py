"""Make the chat benchmark's cast in a migrated database: signed-in agents and conversations, as JSON.

    python -m bench.chat_setup --out cast.json --agents 70 --waiting 1020 --idle 1000

Run it with the servers' environment (the same SECRET_KEY and database), so the session cookies
it writes are valid on them. Conversations are opened through the chat's services, each with the
bot's greeting; `--waiting` ones are then handed to the agents' queue. The sockets resume them
with their visitor key, so the benchmark never meets the limit on new conversations per address.
"""

import argparse
import json
import os
import secrets
import sys
from pathlib import Path

import django

BATCH = 100


def _agents(count: int) -> list[dict]:
    from django.conf import settings
    from django.test import Client, override_settings

    from helpdesk.accounts.roles import AGENT
    from helpdesk.accounts.services import staff_user_ensure

    made = []
    # The agents sign in by session only; a fast hasher keeps 70 accounts from costing a minute.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for index in range(count):
            user = staff_user_ensure(
                email=f"agent{index}@bench.example",
                password=secrets.token_urlsafe(16),
                role=AGENT,
                full_name=f"Agent{index} Bench",
            )
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            made.append({"user": user.pk, "cookie": f"{settings.SESSION_COOKIE_NAME}={session}"})
    return made


def _conversations(count: int, *, waiting: bool) -> list[dict]:
    from django.db import transaction

    from chat.botflow import conversation_open
    from chat.services import chat_handoff, visitor_key_new

    made = []
    for start in range(0, count, BATCH):
        with transaction.atomic():
            for _ in range(start, min(count, start + BATCH)):
                key = visitor_key_new()
                conversation = conversation_open(visitor_key=key, locale="en")
                if waiting:
                    chat_handoff(conversation=conversation)
                made.append({"id": str(conversation.public_id), "key": key})
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chat_setup")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--agents", type=int, default=0)
    parser.add_argument("--waiting", type=int, default=0, help="conversations waiting for a person")
    parser.add_argument("--idle", type=int, default=0, help="conversations still with the bot")
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    django.setup()
    cast = {
        "agents": _agents(options.agents),
        "waiting": _conversations(options.waiting, waiting=True),
        "idle": _conversations(options.idle, waiting=False),
    }
    options.out.write_text(json.dumps(cast), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

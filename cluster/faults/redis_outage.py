"""Fault b: stop the cluster's own Redis (the channel layer and the cache) for a while, chatting all along."""

import asyncio
import time
from collections import Counter

from .. import redis
from ..config import ClusterConfig
from ..probe import get
from .chat import ChatAccount, ChatClosed, check_exactly_once, transcript
from .common import Report
from .writes import EXPECTED_WRITES, writes_checked

EXPECTED = [
    "/healthz answers 503 (channel_layer failing) during the outage and 200 again after",
    "a message sent during the outage is either acked (stored; it reaches the visitor after recovery, "
    "from the database) or visibly refused (error frame, closed socket, failed connect)",
    "after recovery the visitor reconnects, resends what was not acked, and every message is stored once and seen once",
    "pages that need only the database and the index (help centre, KB search API) keep answering 200: "
    "Redis holds nothing they cannot do without",
    EXPECTED_WRITES,
]
PROBED = ["/healthz", "/en/help/", "/en/help/search/?q=order", "/api/v1/kb/search?q=order&locale=en", "/en/"]


def _probe_all(config: ClusterConfig, seen: dict[str, Counter]) -> None:
    for path in PROBED:
        seen[path][get(config.url + path, timeout=10).status] += 1


async def _send_during_outage(account: ChatAccount, report: Report, number: int) -> None:
    """Send one message the way a widget would: on the open socket, or after reconnecting."""
    body = f"message {number}, during the Redis outage"
    if account.sockets and not account.socket.closed:
        answer = await account.send(body, timeout=10)
        report.step(f"sent message {number} on the open socket: {answer}")
        return
    try:
        await asyncio.wait_for(account.connect(timeout=5), timeout=10)
    except (ChatClosed, OSError, TimeoutError) as error:
        account.sent[f"outage-{number}"] = body  # not sent: the widget keeps it and tries again later
        report.step(f"message {number}: could not reconnect ({type(error).__name__}: {error})")
        return
    answer = await account.send(body, timeout=10)
    report.step(f"reconnected and sent message {number}: {answer}")


async def _run(config: ClusterConfig, report: Report, seconds: float) -> None:
    account = ChatAccount(config)
    welcome = await account.connect()
    report.step(f"opened a visitor socket through nginx: conversation {welcome['conversation']}")
    report.step(f"sent message 1: {await account.send('message 1, before the outage')}")

    redis.stop_server(config)
    stopped = time.monotonic()
    report.step(f"stopped the cluster's redis-server on port {config.redis_port} (shutdown nosave) for {seconds:g} s")
    during: dict[str, Counter] = {path: Counter() for path in PROBED}
    number = 1
    while time.monotonic() - stopped < seconds:
        number += 1
        await _send_during_outage(account, report, number)
        await asyncio.to_thread(_probe_all, config, during)
        await asyncio.sleep(min(5, max(0, seconds - (time.monotonic() - stopped))))
    for path, statuses in during.items():
        report.saw(f"during the outage {path} answered {dict(statuses)}")
    report.check(during["/healthz"][503] > 0 and during["/healthz"][200] == 0, "/healthz answered 503 throughout")
    for path in PROBED[1:]:
        report.check(set(during[path]) == {200}, f"{path} kept answering 200 during the outage: {dict(during[path])}")

    redis.start_server(config)
    report.step("started redis-server again (empty: it keeps nothing on disk)")
    began = time.monotonic()
    healthy = False
    while time.monotonic() - began < 60 and not healthy:
        healthy = get(f"{config.url}/healthz", timeout=10).status == 200
        if not healthy:
            await asyncio.sleep(0.5)
    report.check(healthy, f"/healthz answered 200 again {time.monotonic() - began:.1f} s after Redis came back")

    await account.close()
    asked = account.highest_seen()
    welcome = await account.connect()
    report.step(f"reconnected with last_seq {asked}; the server's last seq is {welcome['last_seq']}")
    for client_id in account.unacked():
        if client_id.startswith("outage-"):
            del account.sent[client_id]
            answer = await account.send(f"{client_id}: sent after recovery")
        else:
            answer = await account.send(account.sent[client_id], client_id=client_id)
        report.step(f"sent the unacked {client_id} again: {answer}")
    report.step(f"sent a last message: {await account.send('after the outage')}")
    await asyncio.sleep(2)
    messages = await transcript(config, account)
    report.saw(f"the conversation holds {len(messages)} messages; the visitor's sockets got {len(account.seen_seqs())}")
    check_exactly_once(report, account, messages)
    await account.close()


def run(config: ClusterConfig, options) -> Report:
    report = Report("redis-outage", EXPECTED)
    if not config.own_redis:
        return report.skip("CLUSTER_REDIS_URL names a Redis the cluster does not own; it is never stopped")
    with writes_checked(config, report):
        asyncio.run(_run(config, report, options.seconds or 60))
    return report

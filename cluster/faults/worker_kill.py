"""Fault a: SIGKILL the Daphne worker that holds a visitor's chat, mid-conversation."""

import asyncio
import os
import signal

from ..config import ClusterConfig
from ..probe import get
from .chat import ChatAccount, ChatClosed, check_exactly_once, established, new_client_id, port_of, transcript
from .common import Report, child_pid, restarts, wait_until
from .writes import EXPECTED_WRITES, writes_checked

EXPECTED = [
    "the visitor's socket (through nginx) closes when its worker dies",
    "it reconnects through nginx to another worker, resumes from its last seq and resends the unacked message",
    "every message is stored once and seen once by the visitor (docs/chat-protocol.md)",
    "nginx keeps answering /healthz with 200 while the worker is down",
    "the supervisor restarts the killed worker, which answers /healthz again",
    EXPECTED_WRITES,
]


async def _chat(config: ClusterConfig, report: Report) -> None:
    account = ChatAccount(config)
    before = established(config.worker_ports)
    welcome = await account.connect()
    await asyncio.sleep(0.3)
    opened = established(config.worker_ports) - before
    ports = {port_of(connection) for connection in opened}
    report.step(f"opened a visitor socket through nginx: conversation {welcome['conversation']}")
    if len(ports) != 1:
        report.check(False, f"could tell which worker holds the socket (new worker connections: {sorted(ports)})")
        await account.close()
        return
    port = ports.pop()
    index = config.worker_ports.index(port) + 1
    name = f"daphne-{index}"
    pid = child_pid(config, name)
    restarts_before = restarts(config, name)
    report.saw(f"the socket is served by {name} on port {port} (pid {pid})")

    for number in range(1, 4):
        answer = await account.send(f"where is my order? ({number})")
        report.step(f"sent message {number}: {answer}")
    unanswered = new_client_id()
    await account.send("is anyone there? (4, sent just before the crash)", client_id=unanswered, wait=False)
    os.kill(pid, signal.SIGKILL)
    report.step(f"sent message 4 without waiting for its ack, then SIGKILLed {name} (pid {pid})")
    try:
        await account.socket.wait_for("never", timeout=15)
    except ChatClosed:
        report.saw(f"the visitor's socket closed (code {account.socket.close_code})")
    except TimeoutError:
        report.check(False, "the visitor's socket closed within 15 s of the crash")

    statuses = [get(f"{config.url}/healthz", timeout=10).status for _ in range(5)]
    report.check(all(status == 200 for status in statuses), f"/healthz through nginx right after the crash: {statuses}")

    asked = account.highest_seen()
    welcome = await account.connect()
    report.step(f"reconnected through nginx with last_seq {asked}; the server's last seq is {welcome['last_seq']}")
    answer = await account.send(account.sent[unanswered], client_id=unanswered)
    report.step(f"resent message 4 under the same client id: {answer}")
    stored_before = account.acked.get(unanswered, 0) <= welcome["last_seq"]
    report.saw(f"message 4 {'had been' if stored_before else 'had not been'} stored before the crash")
    for number in (5, 6):
        answer = await account.send(f"thanks ({number})")
        report.step(f"sent message {number}: {answer}")
    await asyncio.sleep(2)  # the bot's answer to the last message
    messages = await transcript(config, account)
    report.saw(f"the conversation holds {len(messages)} messages; the visitor's sockets got {len(account.seen_seqs())}")
    check_exactly_once(report, account, messages)
    await account.close()

    restarted = wait_until(lambda: child_pid(config, name) not in (None, pid) and child_pid(config, name), timeout=60)
    report.check(bool(restarted), f"the supervisor restarted {name}: new pid {restarted}")
    healthy = wait_until(lambda: get(f"{config.worker_url(port)}/healthz", timeout=5).status == 200, timeout=120)
    report.check(bool(healthy), f"{name} answers /healthz on port {port} again")
    report.saw(f"{name} restarts counted by the supervisor: {restarts_before} -> {restarts(config, name)}")


def run(config: ClusterConfig, options) -> Report:
    report = Report("worker-kill", EXPECTED)
    with writes_checked(config, report):
        asyncio.run(_chat(config, report))
    return report

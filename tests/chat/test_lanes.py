"""A socket's lanes: one chat's work in order, different chats side by side, nothing left running on close."""

import asyncio

from chat.consumers.lanes import Lanes


class Failures:
    def __init__(self):
        self.count = 0

    async def __call__(self):
        self.count += 1


def job(log: list, name: str, *, wait: asyncio.Event | None = None, fail: bool = False):
    async def run():
        if wait is not None:
            await wait.wait()
        if fail:
            raise RuntimeError(name)
        log.append(name)

    return run


async def settle(lanes: Lanes) -> None:
    for _ in range(100):
        if not lanes.busy():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the lanes never ran dry")


async def test_one_keys_jobs_run_in_order_while_another_key_runs_past_a_slow_one():
    log, slow = [], asyncio.Event()
    lanes = Lanes(failed=Failures())

    lanes.submit("first", job(log, "first-1", wait=slow))
    lanes.submit("first", job(log, "first-2"))
    lanes.submit("second", job(log, "second-1"))
    await asyncio.sleep(0.05)
    ran_meanwhile = list(log)
    slow.set()
    await settle(lanes)

    assert ran_meanwhile == ["second-1"]
    assert log == ["second-1", "first-1", "first-2"]


async def test_a_failing_job_is_reported_and_the_lane_goes_on():
    log, failures = [], Failures()
    lanes = Lanes(failed=failures)

    lanes.submit("chat", job(log, "broken", fail=True))
    lanes.submit("chat", job(log, "next"))
    await settle(lanes)

    assert (failures.count, log) == (1, ["next"])


async def test_closing_lets_jobs_finish_within_the_grace_then_cancels_the_rest_and_takes_no_more():
    log, never = [], asyncio.Event()
    lanes = Lanes(failed=Failures())
    lanes.submit("quick", job(log, "quick"))
    lanes.submit("stuck", job(log, "stuck", wait=never))
    lanes.submit("stuck", job(log, "behind the stuck one"))

    await lanes.close(grace=0.1)
    lanes.submit("late", job(log, "late"))
    await asyncio.sleep(0.05)

    assert log == ["quick"]
    assert lanes.busy() == 0

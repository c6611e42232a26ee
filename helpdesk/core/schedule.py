"""Periodic jobs: management commands run every so many seconds by `manage.py run_schedule`.

Later features add their jobs here. Each job must be safe
to repeat and to run late: the runner gives no exactly-once promise.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    command: str
    every_seconds: int
    args: tuple[str, ...] = ()


JOBS = [
    PeriodicJob("publish_scheduled", every_seconds=60),  # Wagtail's scheduled (un)publishing
    PeriodicJob("sla_alerts", every_seconds=60),  # warn before SLA breaches, alert on them
    PeriodicJob("purge_ticket_requests", every_seconds=3600),  # forget unconfirmed addresses
    PeriodicJob("purge_orphan_attachments", every_seconds=3600),  # files left by rolled-back uploads
    PeriodicJob("expire_credit", every_seconds=900),  # goodwill credit past its use-by date
    PeriodicJob("send_surveys", every_seconds=60),  # post-purchase surveys and ticket ratings that are due
    PeriodicJob("purge_kb_events", every_seconds=86400),  # KB beacon events past HELPDESK_KB_EVENTS_KEEP_DAYS
    PeriodicJob("rollup_kb_events", every_seconds=3600),  # KB daily roll-ups of the last 3 days
    PeriodicJob("recover_tasks", every_seconds=300),  # tasks left RUNNING by a worker that died
    PeriodicJob("kb_index_repair", every_seconds=60),  # pages whose search-index update failed
]

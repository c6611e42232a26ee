"""python -m cluster start | stop | status | clean | fault NAME | supervise (see docs/operations.md)."""

import argparse
import importlib
import sys

from . import launcher, supervisor
from .config import ClusterConfig

FAULTS = {
    "worker-kill": ("cluster.faults.worker_kill", "SIGKILL the Daphne worker holding a chat; reconnect, nothing lost"),
    "redis-outage": ("cluster.faults.redis_outage", "stop the cluster's Redis for a while; chat and /healthz"),
    "postgres-restart": ("cluster.faults.postgres_restart", "stop and start PostgreSQL under traffic"),
    "index-disk-full": ("cluster.faults.index_disk_full", "fill the search index's filesystem; publish, search"),
    "task-worker-kill": ("cluster.faults.task_worker_kill", "SIGKILL db_worker while a task runs"),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cluster", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("start", help="start (or complete) the cluster and wait until it is healthy")
    commands.add_parser("stop", help="stop everything the cluster started")
    commands.add_parser("status", help="pids, restarts and /healthz of every part")
    commands.add_parser("clean", help="stop, then delete var/cluster/ (and an external CLUSTER_DATABASE_URL database)")
    commands.add_parser("supervise", help="(internal) run the supervisor in the foreground")
    fault = commands.add_parser("fault", help="run a fault against the running cluster")
    fault.add_argument("name", nargs="?", choices=sorted(FAULTS))
    fault.add_argument("--list", action="store_true", help="list the faults")
    fault.add_argument("--seconds", type=float, default=None, help="how long an outage lasts (redis-outage: 60)")
    fault.add_argument("--watch", type=float, default=30, help="task-worker-kill: seconds to watch the task after")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = ClusterConfig.from_environment()
    if args.command == "start":
        launcher.start(config)
    elif args.command == "stop":
        launcher.stop(config)
    elif args.command == "status":
        return 0 if launcher.print_status(config) else 1
    elif args.command == "clean":
        launcher.clean(config)
    elif args.command == "supervise":
        supervisor.run(config)
    elif args.command == "fault":
        if args.list or not args.name:
            for name, (_module, describe) in FAULTS.items():
                print(f"  {name:<18} {describe}")
            return 0
        from .faults.common import require_running

        require_running(config)
        report = importlib.import_module(FAULTS[args.name][0]).run(config, args)
        print(report.summary())
        return 1 if report.result == "FAIL" else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

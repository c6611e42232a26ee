"""Pid files and signals: how the cluster's commands find and stop what an earlier command started."""

import os
import signal
import time
from pathlib import Path


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def write_pid(path: Path, pid: int) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(f"{pid}\n")
    os.replace(temporary, path)


def pid_alive(pid: int) -> bool:
    """True when the process exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def terminate(pid: int, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL after `timeout` seconds."""
    if not pid_alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    if not wait_gone(pid, timeout):
        os.kill(pid, signal.SIGKILL)
        wait_gone(pid, 5)

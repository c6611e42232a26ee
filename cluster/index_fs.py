"""A small filesystem of its own for the search index, so the `index-disk-full` fault can really fill it.

When we are root and CLUSTER_INDEX_TMPFS_MB is not 0, a tmpfs of that size is mounted on
HELPDESK_DATA_DIR/whoosh. The index is derived data (`manage.py kb_reindex` rebuilds it from the
database), so starting the cluster rebuilds it, and stopping it unmounts it.
"""

import os
import subprocess

from .config import ClusterConfig


def is_mounted(config: ClusterConfig) -> bool:
    target = str(config.index_dir.resolve())
    with open("/proc/self/mounts") as mounts:
        return any(line.split()[1] == target for line in mounts)


def mount(config: ClusterConfig) -> str:
    """Mount the tmpfs when we may; return a sentence saying where the index lives."""
    config.index_dir.mkdir(parents=True, exist_ok=True)
    if is_mounted(config):
        return f"on its own {config.index_tmpfs_mb} MB tmpfs (already mounted)"
    if config.index_tmpfs_mb <= 0:
        return "on the data dir's filesystem (CLUSTER_INDEX_TMPFS_MB=0)"
    if os.geteuid() != 0:
        return "on the data dir's filesystem (mounting a tmpfs needs root)"
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={config.index_tmpfs_mb}m,mode=0755", "tmpfs", str(config.index_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        return f"on the data dir's filesystem (mount refused: {done.stderr.strip()})"
    return f"on its own {config.index_tmpfs_mb} MB tmpfs"


def unmount(config: ClusterConfig) -> bool:
    if not is_mounted(config):
        return False
    # Lazily: a process that still had the index open keeps its files until it lets go.
    subprocess.run(["umount", "--lazy", str(config.index_dir)], check=False)
    return True


def free_bytes(config: ClusterConfig) -> int:
    stat = os.statvfs(config.index_dir)
    return stat.f_bavail * stat.f_frsize

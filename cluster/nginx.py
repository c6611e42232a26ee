"""nginx: installed from Debian's packages when missing, configured from nginx.conf.template, run as our own master."""

import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .config import HOST, ClusterConfig
from .processes import pid_alive, read_pid

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
MIME_TYPES = Path("/etc/nginx/mime.types")
MIB = 1024 * 1024
# Room in a multipart body for the form's own fields and the parts' headers.
FORM_MARGIN = MIB


@dataclass(frozen=True)
class BodyLimits:
    """The largest request bodies the app accepts, so nginx refuses bigger ones before they are buffered."""

    attachment_bytes: int
    attachments_per_message: int
    email_bytes: int
    api_bytes: int

    @classmethod
    def from_settings(cls, settings) -> "BodyLimits":
        from helpdesk.tickets.attachments import MAX_FILES

        return cls(
            attachment_bytes=settings.HELPDESK_ATTACHMENT_MAX_BYTES,
            attachments_per_message=MAX_FILES,
            email_bytes=settings.HELPDESK_EMAIL_MAX_BYTES,
            api_bytes=settings.API_MAX_BODY_BYTES,
        )

    @property
    def body_max(self) -> int:
        return max(self.attachment_bytes * self.attachments_per_message, self.email_bytes) + FORM_MARGIN


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def ensure_installed(say) -> str:
    """Return nginx's path, installing Debian's nginx-light first when it is missing and we may."""
    found = nginx_binary()
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit("nginx is not installed: run `apt-get install nginx-light` (as root), then try again.")
    say("Installing nginx-light from Debian's packages (the package's own service is not started)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Debian starts a package's service on install; a policy-rc.d that says no keeps the machine's nginx stopped.
    policy = Path("/usr/sbin/policy-rc.d")
    own_policy = not policy.exists()
    if own_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], env=env, check=True)
    finally:
        if own_policy:
            policy.unlink(missing_ok=True)
    found = nginx_binary()
    if not found:
        raise SystemExit("apt-get installed nginx-light but no nginx binary was found.")
    return found


def _size(value: int) -> str:
    """nginx's size syntax, in whole kilobytes rounded up (so the limit is never below the app's)."""
    return f"{-(-value // 1024)}k"


def render(config: ClusterConfig, limits: BodyLimits, *, as_root: bool | None = None) -> str:
    as_root = os.geteuid() == 0 if as_root is None else as_root
    values = {
        # Workers drop root when the master runs as root; they only read static files and talk to loopback.
        "USER_LINE": "user www-data;" if as_root else "",
        "RUN_DIR": str(config.run),
        "LOG_DIR": str(config.logs),
        "NGINX_DIR": str(config.nginx_dir),
        "MIME_TYPES": str(MIME_TYPES),
        "BODY_MAX": _size(limits.body_max),
        "API_BODY_MAX": _size(limits.api_bytes),
        "UPSTREAM_SERVERS": "\n".join(
            f"        server {HOST}:{port} max_fails=1 fail_timeout=5s;" for port in config.worker_ports
        ),
        "WORKER_COUNT": str(len(config.worker_ports)),
        "LISTEN": f"{HOST}:{config.port}",
        "STATIC_ROOT": str(config.static_root),
        "MEDIA_ROOT": str(config.media_root),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise ValueError(f"nginx template names unknown values: {sorted(set(left))}")
    return text


def write_config(config: ClusterConfig, limits: BodyLimits) -> Path:
    for part in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (config.nginx_dir / "tmp" / part).mkdir(parents=True, exist_ok=True)
    path = config.nginx_dir / "nginx.conf"
    path.write_text(render(config, limits))
    return path


def check(binary: str, conf: Path, prefix: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary, "-t", "-q", "-p", f"{prefix}/", "-c", str(conf)], capture_output=True, text=True, check=False
    )


def pid_file(config: ClusterConfig) -> Path:
    return config.run / "nginx.pid"


def start(config: ClusterConfig, binary: str, conf: Path) -> int:
    """Start our nginx master (it daemonizes), or reload it when it already runs; return its pid."""
    checked = check(binary, conf, config.nginx_dir)
    if checked.returncode:
        raise SystemExit(f"nginx refuses {conf}:\n{checked.stderr}")
    pid = read_pid(pid_file(config))
    if pid and pid_alive(pid):
        os.kill(pid, signal.SIGHUP)
        return pid
    started = subprocess.run([binary, "-p", f"{config.nginx_dir}/", "-c", str(conf)], capture_output=True, text=True)
    if started.returncode:
        raise SystemExit(f"nginx did not start (is port {config.port} taken? set CLUSTER_PORT):\n{started.stderr}")
    for _ in range(50):
        pid = read_pid(pid_file(config))
        if pid and pid_alive(pid):
            return pid
        time.sleep(0.1)
    raise SystemExit(f"nginx did not start; see {config.logs / 'nginx-error.log'}")


def stop(config: ClusterConfig, timeout: float = 15) -> bool:
    """Stop our nginx master gracefully (SIGQUIT), then hard; True when one was running."""
    pid = read_pid(pid_file(config))
    if not pid or not pid_alive(pid):
        pid_file(config).unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGQUIT)
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if pid_alive(pid):
        os.kill(pid, signal.SIGTERM)
    pid_file(config).unlink(missing_ok=True)
    return True

"""Plain HTTP on the loopback, without proxies from the environment: what the launcher and the faults ask."""

import http.client
import json
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Answer:
    status: int  # 0: no answer (refused, reset, timed out)
    body: str
    headers: dict[str, str]
    error: str = ""

    def json(self) -> dict:
        try:
            return json.loads(self.body)
        except ValueError:
            return {}


def get(url: str, *, timeout: float = 10, headers: dict[str, str] | None = None) -> Answer:
    return request("GET", url, timeout=timeout, headers=headers)


def post_json(url: str, data: dict, *, timeout: float = 10, headers: dict[str, str] | None = None) -> Answer:
    body = json.dumps(data).encode()
    return request(
        "POST", url, body=body, timeout=timeout, headers={"Content-Type": "application/json", **(headers or {})}
    )


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    timeout: float = 10,
    headers: dict[str, str] | None = None,
    source: str | None = None,
) -> Answer:
    """One request; `source` is the loopback address to send from (per-address rate limits apply to it)."""
    parts = urlsplit(url)
    source_address = (source, 0) if source else None
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port or 80, timeout=timeout, source_address=source_address
    )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request(method, path, body=body, headers={"Host": parts.netloc, **(headers or {})})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        found = {k.lower(): v for k, v in response.getheaders()}
        if "set-cookie" in found:
            found["set-cookie"] = response.getheader("Set-Cookie")  # every cookie, not just the last
        return Answer(response.status, body, found)
    except (OSError, http.client.HTTPException) as error:
        return Answer(0, "", {}, error=f"{type(error).__name__}: {error}")
    finally:
        connection.close()

"""The one request path: base URL, API key, retries with backoff, and error mapping."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import re
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sidecar.immich_client import waiting
from sidecar.immich_client.errors import (
    ImmichAuthError,
    ImmichError,
    ImmichNotFoundError,
    ImmichPermissionError,
    ImmichRequestError,
    ImmichUnavailableError,
)

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 502, 503, 504})
PERMISSION_PREFIX = "Missing required permission: "


def normalize_base_url(url: str) -> str:
    """Users paste the server URL with or without `/api`; requests go to `.../api/...`."""
    base = url.strip().rstrip("/")
    return base if base.endswith("/api") else f"{base}/api"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter. Writes are bounded in attempts and in total time;
    reads (GET, and searches) keep trying for `read_window_s`, long enough to ride out an
    Immich restart (10-17 s measured, a proxy answering 502 meanwhile)."""

    attempts: int = 5
    base_delay_s: float = 0.5
    max_delay_s: float = 20.0
    budget_s: float = 90.0
    read_window_s: float = 60.0
    read_max_delay_s: float = 8.0  # so a read notices soon that Immich is back

    def delay(self, attempt: int, retry_after: float | None, *, read: bool = False) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay_s)
        top = min(self.max_delay_s, self.read_max_delay_s) if read else self.max_delay_s
        cap = min(top, self.base_delay_s * (2 ** (attempt - 1)))
        return random.uniform(cap / 2, cap)

    def stop(
        self, attempt: int, elapsed: float, delay: float, retry_after: float | None, *, read: bool
    ) -> tuple[bool, float]:
        """Whether to give up after `attempt` failed attempts `elapsed` seconds in, and else
        how long to wait. A read's last wait is cut to what is left of its window; a read whose
        Retry-After asks for more than is left gives up."""
        if read:
            left = self.read_window_s - elapsed
            too_late = left <= 0 or (retry_after is not None and retry_after > left)
            return too_late, min(delay, max(left, 0.0))
        return attempt >= self.attempts or elapsed + delay > self.budget_s, delay


@dataclass(slots=True)
class TransportStats:
    requests: int = 0
    retries: int = 0
    wait_s: float = 0.0  # summed durations of requests (overlapping ones count twice)
    busy_s: float = 0.0  # wall time with at least one request in flight
    in_flight: int = 0
    busy_since: float = 0.0
    bytes_received: int = 0
    by_path: dict[str, int] = field(default_factory=dict)


MESSAGE_LIMIT = 160
_TITLE = re.compile(r"<(title|h1)[^>]*>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Whitespace (newlines included) collapsed, cut to `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def looks_like_html(response: httpx.Response) -> bool:
    kind = response.headers.get("content-type", "")
    return "html" in kind or response.text.lstrip()[:1] == "<"


def page_summary(response: httpx.Response) -> str:
    """A body that is not Immich's JSON (a proxy's error page, another web server) in one
    line: an HTML page by its title, anything else by its first words."""
    text = response.text
    if looks_like_html(response):
        found = _TITLE.search(text)
        title = one_line(_TAG.sub(" ", found.group(2))) if found else ""
        return f"an HTML page '{title}'" if title else "an HTML page"
    return one_line(text) or response.reason_phrase


def server_message(response: httpx.Response) -> str:
    """The error text of an Immich response, in one line: `message` is a string or a list of
    strings, and 3.x validation errors carry `errors: [{path, message}]`."""
    try:
        body = response.json()
    except ValueError:
        return page_summary(response)
    if not isinstance(body, dict):
        return one_line(str(body))
    message = body.get("message", "")
    parts = [str(m) for m in message] if isinstance(message, list) else [str(message)]
    for err in body.get("errors") or []:
        if isinstance(err, dict):
            path = ".".join(str(p) for p in err.get("path") or [])
            parts.append(f"{path}: {err.get('message')}" if path else str(err.get("message")))
    return one_line("; ".join(p for p in parts if p)) or response.reason_phrase


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return parsed.timestamp() - time.time() if parsed else None


class Transport:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        connect_timeout_s: float = 10.0,
        request_timeout_s: float = 60.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.base_url = normalize_base_url(base_url)
        self.retry = retry or RetryPolicy()
        self.stats = TransportStats()
        self._waiting_said = False
        # loaded with the first client: commands that never talk to Immich, and the TUI's
        # start, do without it. Not its own command line's modules: httpx/__init__ imports
        # click, rich and pygments for the `httpx` program (~40 ms of a quick command's
        # start) and stands a stub in when they cannot be imported.
        sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
        import httpx

        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            headers={
                "x-api-key": api_key,
                "accept": "application/json",
                "user-agent": "immich-sidecar",
            },
            timeout=httpx.Timeout(request_timeout_s, connect=connect_timeout_s),
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=8),
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        idempotent: bool | None = None,
        read: bool | None = None,
    ) -> httpx.Response:
        """Send a request; retry idempotent ones on connection failures, 429 and 502-504.
        Reads (GET and HEAD unless told otherwise; a search passes `read=True`) are retried
        for the policy's read window, other idempotent requests for its attempts. While it
        waits to try again, `waiting.waiting_s` says so."""
        token = object()
        try:
            return await self._request(token, method, path, json, params, idempotent, read)
        finally:
            waiting.end(token)

    async def _request(
        self,
        token: object,
        method: str,
        path: str,
        json: Any,
        params: dict[str, Any] | None,
        idempotent: bool | None,
        read: bool | None,
    ) -> httpx.Response:
        import httpx

        if read is None:
            read = method in ("GET", "HEAD")
        if idempotent is None:
            idempotent = read
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            failure: str
            retry_after: float | None = None
            try:
                response = await self._send(method, path, json, params)
            except httpx.ConnectError as exc:
                failure = f"cannot connect ({_reason(exc)})"
                retryable = True  # nothing was sent
            except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                failure = f"the connection failed ({_reason(exc)})"
                retryable = idempotent
            else:
                if response.status_code < 400:
                    return response
                if response.status_code not in RETRY_STATUSES and response.status_code < 500:
                    raise self._error(method, path, response)
                status = str(response.status_code)
                failure = f"answered {status} {server_message(response).removeprefix(status)}"
                failure = failure.replace(f"{status}  ", f"{status} ")
                retryable = idempotent and response.status_code in RETRY_STATUSES
                retry_after = _retry_after(response)
                if not retryable and response.status_code >= 500:
                    raise ImmichUnavailableError(
                        f"Immich failed on {method} {path}: {failure}",
                        status=response.status_code,
                    )
            elapsed = time.monotonic() - started
            delay = self.retry.delay(attempt, retry_after, read=read)
            give_up, delay = self.retry.stop(attempt, elapsed, delay, retry_after, read=read)
            if not retryable or give_up:
                raise ImmichUnavailableError(
                    f"Immich at {self.base_url} is unavailable: {failure} "
                    f"(after {attempt} attempt(s) in {elapsed:.0f} s); check that it is running "
                    "and that [immich] url is right"
                )
            self.stats.retries += 1
            waiting.begin(token, started)
            if not self._waiting_said:  # once per client: the user sees why it is quiet
                self._waiting_said = True
                window = self.retry.read_window_s if read else self.retry.budget_s
                log.warning(
                    "Immich at %s is not answering (%s); trying again for up to %.0f s",
                    self.base_url,
                    failure,
                    window,
                )
            log.info("immich: %s %s %s; retrying in %.1f s", method, path, failure, delay)
            await asyncio.sleep(delay)

    async def _send(
        self, method: str, path: str, json: Any, params: dict[str, Any] | None
    ) -> httpx.Response:
        stats = self.stats
        stats.requests += 1
        stats.by_path[path] = stats.by_path.get(path, 0) + 1
        t0 = time.perf_counter()
        if stats.in_flight == 0:
            stats.busy_since = t0
        stats.in_flight += 1
        try:
            response = await self._client.request(method, path, json=json, params=params)
        finally:
            t1 = time.perf_counter()
            stats.wait_s += t1 - t0
            stats.in_flight -= 1
            if stats.in_flight == 0:
                stats.busy_s += t1 - stats.busy_since
        self.stats.bytes_received += len(response.content)
        return response

    def _error(self, method: str, path: str, response: httpx.Response) -> ImmichError:
        status = response.status_code
        message = server_message(response)
        if status == 401:
            return ImmichAuthError(
                f"Immich rejected the API key ({message}): check IMMICH_API_KEY or "
                "[immich] api_key",
                status=status,
            )
        if status == 403:
            if message.startswith(PERMISSION_PREFIX):
                permission = message.removeprefix(PERMISSION_PREFIX).strip()
                return ImmichPermissionError(
                    f"the API key lacks the '{permission}' permission (needed for {method} "
                    f"{path}): in Immich, Account Settings > API Keys, create a key that "
                    f"includes {permission}",
                    permission=permission,
                )
            return ImmichPermissionError(
                f"Immich refused {method} {path}: {message}", permission=None
            )
        if status == 404 or message.startswith("Not found"):
            return ImmichNotFoundError(
                f"{method} {path}: {message}", status=status, summary=message
            )
        return ImmichRequestError(
            f"Immich rejected {method} {path} ({status}): {message}", status=status, summary=message
        )


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:120]

"""HTTP for every connector: per-host rate control and retries with backoff.

One `RateControl` can be shared by all connectors of a server process: it remembers, per host,
until when the network told us to hold off (429 `Retry-After`, X's `x-rate-limit-reset` when
`x-rate-limit-remaining` hits 0, Mastodon's `X-RateLimit-Reset`) and spaces requests by a
minimum interval. `HttpSession` wraps one `httpx.AsyncClient`, maps HTTP outcomes to the typed
errors of `app.connectors.base`, and retries what can succeed later (tenacity: exponential
backoff with jitter for 5xx/timeouts/bad JSON, the server's own delay for rate limits).

Clock and sleep are injectable so tests never wait for real.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from app.connectors.base import (
    AuthError,
    ConnectorError,
    NotFound,
    PermanentError,
    RateLimited,
    TransientError,
)

Clock = Callable[[], float]
"""Wall-clock seconds since the epoch (rate-limit resets are epoch timestamps)."""
Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")

USER_AGENT = "ResponderConsole/0.1 (+https://example.invalid/responder-console)"


@dataclass
class RetryPolicy:
    """How hard to try before giving the failure to the caller."""

    attempts: int = 5
    initial_backoff: float = 0.5
    max_backoff: float = 30.0
    jitter: float = 0.5
    # A rate limit longer than this is not waited out inline: RateLimited goes to the caller,
    # which parks the account until then instead of holding a worker.
    max_inline_wait: float = 60.0


@dataclass
class _HostState:
    blocked_until: float = 0.0
    last_request_at: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class RateControl:
    """Per-host pacing and hold-offs, shared by every connector that talks to that host."""

    def __init__(
        self,
        *,
        clock: Clock = time.time,
        sleep: Sleep = asyncio.sleep,
        min_interval: float = 0.0,
        min_interval_by_host: Mapping[str, float] | None = None,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self._min_interval = min_interval
        self._min_interval_by_host = dict(min_interval_by_host or {})
        self._hosts: dict[str, _HostState] = {}

    def _state(self, host: str) -> _HostState:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _HostState()
        return state

    def blocked_for(self, host: str) -> float:
        """Seconds until `host` may be asked again (0 when it may be asked now)."""
        return max(0.0, self._state(host).blocked_until - self.clock())

    def hold_off(self, host: str, seconds: float, *, exact: bool = False) -> None:
        """Remember that `host` asked us to wait `seconds` from now. `exact` replaces an
        earlier hold (a 429's own Retry-After is more precise than a window's reset)."""
        state = self._state(host)
        until = self.clock() + max(0.0, seconds)
        state.blocked_until = until if exact else max(state.blocked_until, until)

    async def acquire(self, host: str, max_wait: float) -> None:
        """Wait for our turn on `host`; raise RateLimited if that would take over `max_wait`."""
        state = self._state(host)
        async with state.lock:
            now = self.clock()
            interval = self._min_interval_by_host.get(host, self._min_interval)
            ready_at = max(state.blocked_until, state.last_request_at + interval)
            wait = ready_at - now
            if wait > max_wait:
                raise RateLimited(
                    f"{host} asked us to wait {wait:.0f} s before the next request.", wait
                )
            if wait > 0:
                await self.sleep(wait)
            state.last_request_at = self.clock()

    def observe(self, host: str, response: httpx.Response) -> None:
        """Learn hold-offs from a response's rate-limit headers (any status)."""
        remaining = None
        for name in ("x-rate-limit-remaining", "x-ratelimit-remaining", "ratelimit-remaining"):
            remaining = _header_float(response.headers, name)
            if remaining is not None:
                break
        if remaining is not None and remaining <= 0:
            reset = reset_delay(response.headers, self.clock())
            if reset is not None:
                self.hold_off(host, reset)


def _header_float(headers: httpx.Headers, name: str) -> float | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return float(value.strip())
    except ValueError:
        return None


def _parse_when(value: str, now: float) -> float | None:
    """Seconds from `now` until `value`: delta seconds, epoch seconds, HTTP date or ISO 8601."""
    value = value.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        # An epoch timestamp is far larger than any sensible delay.
        return number - now if number > 1_000_000_000 else number
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp() - now


def reset_delay(headers: httpx.Headers, now: float) -> float | None:
    """Seconds until the rate-limit window resets, from X's or Mastodon's headers."""
    for name in ("x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset"):
        value = headers.get(name)
        if value is not None:
            delay = _parse_when(value, now)
            if delay is not None:
                return max(0.0, delay)
    return None


def retry_after_seconds(response: httpx.Response, now: float, default: float = 60.0) -> float:
    """How long a 429 (or 503) asks us to wait: Retry-After, then the reset headers."""
    value = response.headers.get("retry-after")
    if value is not None:
        delay = _parse_when(value, now)
        if delay is not None:
            return max(0.0, delay)
    delay = reset_delay(response.headers, now)
    return default if delay is None else delay


def error_message(response: httpx.Response) -> str:
    """The network's own words for a failed request, if it gave any."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        text = response.text.strip()
        return text[:200] if text else response.reason_phrase
    if isinstance(body, dict):
        for key in ("error_description", "message", "detail", "error", "title"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            for key in ("message", "detail", "title"):
                value = errors[0].get(key)
                if isinstance(value, str) and value:
                    return value
    return response.reason_phrase


ErrorMapper = Callable[[httpx.Response, str], ConnectorError | None]
"""A connector's own reading of a failed response; `None` falls back to the default mapping."""


def default_error(response: httpx.Response, what: str, now: float) -> ConnectorError:
    """Map an unsuccessful HTTP response to the error the server can act on."""
    status = response.status_code
    reason = error_message(response)
    if status == 429:
        delay = retry_after_seconds(response, now)
        return RateLimited(f"{what}: rate limited by the network ({reason}).", delay)
    if status == 401:
        return AuthError(f"{what}: the network refused the account's credentials ({reason}).")
    if status in (404, 410):
        return NotFound(f"{what}: not found — it may have been deleted ({reason}).")
    if status in (408, 425) or status >= 500:
        return TransientError(f"{what}: the network answered {status} ({reason}).")
    return PermanentError(f"{what}: the network refused the request ({status}: {reason}).")


class HttpSession:
    """One connector's HTTP client: rate control, error mapping and retries."""

    def __init__(
        self,
        *,
        base_url: str = "",
        rate_control: RateControl | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float = 15.0,
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.rate_control = rate_control or RateControl()
        self.retry = retry or RetryPolicy()
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        all_headers = {"User-Agent": USER_AGENT}
        all_headers.update(headers or {})
        self.client = httpx.AsyncClient(
            base_url=base_url,
            timeout=self.timeout,
            headers=all_headers,
            follow_redirects=True,
            transport=transport,
        )

    @property
    def clock(self) -> Clock:
        return self.rate_control.clock

    async def aclose(self) -> None:
        await self.client.aclose()

    def host_of(self, url: str) -> str:
        parsed = urlsplit(str(self.client.base_url.join(url)))
        return parsed.netloc

    async def send_once(
        self,
        method: str,
        url: str,
        *,
        what: str,
        idempotent: bool = True,
        error_mapper: ErrorMapper | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request, no retry: wait for the host's turn, send, map failures to errors."""
        host = self.host_of(url)
        await self.rate_control.acquire(host, self.retry.max_inline_wait)
        try:
            response = await self.client.request(method, url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            # The request never left: safe to retry even for a non-idempotent write.
            raise TransientError(f"{what}: could not connect to {host} ({exc!r}).") from exc
        except httpx.TimeoutException as exc:
            raise TransientError(
                f"{what}: {host} did not answer in time.", ambiguous=not idempotent
            ) from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise TransientError(
                f"{what}: the connection to {host} broke ({exc!r}).", ambiguous=not idempotent
            ) from exc
        if response.status_code != 429:
            self.rate_control.observe(host, response)
        if response.is_success:
            return response
        error: ConnectorError | None = None
        if error_mapper is not None:
            error = error_mapper(response, what)
        if error is None:
            error = default_error(response, what, self.clock())
        if isinstance(error, RateLimited):
            self.rate_control.hold_off(host, error.retry_after, exact=True)
        if isinstance(error, TransientError) and not idempotent and response.status_code != 503:
            # A 5xx after a write may still have taken effect.
            error.ambiguous = True
        raise error

    async def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        idempotent: bool = True,
        error_mapper: ErrorMapper | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send with retries; returns a successful response or raises a ConnectorError."""

        async def attempt() -> httpx.Response:
            return await self.send_once(
                method, url, what=what, idempotent=idempotent, error_mapper=error_mapper, **kwargs
            )

        return await self.retrying(attempt)

    async def request_json(
        self,
        method: str,
        url: str,
        *,
        what: str,
        idempotent: bool = True,
        error_mapper: ErrorMapper | None = None,
        **kwargs: Any,
    ) -> Any:
        """Send with retries and decode JSON; truncated or malformed JSON is a TransientError
        (retried) because proxies and overloaded servers cut bodies short."""

        async def attempt() -> Any:
            response = await self.send_once(
                method, url, what=what, idempotent=idempotent, error_mapper=error_mapper, **kwargs
            )
            return decode_json(response, what, ambiguous=not idempotent)

        return await self.retrying(attempt)

    async def retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run `attempt` under the retry policy (rate limits wait their asked delay)."""
        policy = self.retry
        backoff = wait_exponential_jitter(
            multiplier=policy.initial_backoff, max=policy.max_backoff, jitter=policy.jitter
        )

        def wait(state: RetryCallState) -> float:
            outcome = state.outcome
            exc = outcome.exception() if outcome is not None else None
            if isinstance(exc, RateLimited):
                # The host is on hold in RateControl; acquire() waits it out (once).
                return 0.0
            return float(backoff(state))

        def retryable(exc: BaseException) -> bool:
            if isinstance(exc, RateLimited):
                return exc.retry_after <= policy.max_inline_wait
            return isinstance(exc, TransientError) and not exc.ambiguous

        async def sleep(seconds: float) -> None:
            if seconds > 0:
                await self.rate_control.sleep(seconds)

        retrying = AsyncRetrying(
            sleep=sleep,
            stop=stop_after_attempt(policy.attempts),
            wait=wait,
            retry=retry_if_exception(retryable),
            reraise=True,
        )
        async for try_ in retrying:
            with try_:
                return await attempt()
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover


def decode_json(response: httpx.Response, what: str, *, ambiguous: bool = False) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
        snippet = response.text[:80]
        raise TransientError(
            f"{what}: the network sent malformed JSON ({snippet!r}…).", ambiguous=ambiguous
        ) from exc

"""The ingest supervisor: one ingest worker task per enabled brand account, held by one server
process at a time (see `locks`), started and stopped as accounts are added, changed or removed.

A worker follows `connector.stream_mentions(cursor)` and stores each mention together with the
account's new cursor in one transaction (invariant 6); an item that cannot be a mention (or
that the database refuses) goes to the quarantine with the cursor moved past it
(services/quarantine.py). Trouble the connector rides out shows as
`degraded` with the reason; auth and permanent errors stop the worker and put the account in
`error` with the connector's message (retried after `error_retry_seconds`, or at once when the
account's settings change); anything else backs off exponentially and resumes from the stored
cursor. State changes are written on the account row with an `account.updated` event."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio

from app.common.tasks import TaskKeeper
from app.connectors import (
    AuthError,
    ConnectorError,
    Incoming,
    PermanentError,
    Quarantined,
    RateLimited,
    TransientError,
)
from app.models.enums import Network
from app.server.clock import Clock
from app.server.db import Database
from app.server.errors import LoopFailures
from app.server.services.accounts import (
    STATE_DEGRADED,
    STATE_ERROR,
    STATE_OK,
    AccountConfig,
    account_config,
    enabled_accounts,
    plan_incoming,
    set_account_state,
    store_incoming,
)
from app.server.services.ingest import read_items
from app.server.services.quarantine import quarantine_item, refusal_reason, refused_by_database
from app.server.workers.locks import ACCOUNT_LOCKS, ProcessLocks
from app.server.workers.pool import ConnectorPool

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


@dataclass
class Backoff:
    """Exponential backoff with jitter between `initial` and `maximum` seconds."""

    initial: float = 1.0
    maximum: float = 300.0
    jitter: float = 0.25
    attempts: int = 0

    def next_delay(self) -> float:
        delay = min(self.maximum, self.initial * (2**self.attempts))
        self.attempts += 1
        return float(delay * (1 + random.uniform(0, self.jitter)))

    def reset(self) -> None:
        self.attempts = 0


@dataclass
class _Worker:
    config: AccountConfig
    task: asyncio.Task[str]
    state_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    wanted_state: tuple[str, str | None] = (STATE_OK, None)


@dataclass
class _Ended:
    identity: tuple[object, ...]
    outcome: str  # "finished" (the source is played out) or "error"
    at: float


class IngestSupervisor:
    """Runs the ingest workers of this process."""

    def __init__(
        self,
        db: Database,
        pool: ConnectorPool,
        locks: ProcessLocks,
        *,
        clock: Clock,
        refresh_seconds: float = 2.0,
        error_retry_seconds: float = 300.0,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = lambda: asyncio.get_running_loop().time(),
        backoff: Callable[[], Backoff] = Backoff,
    ) -> None:
        self._db = db
        self._pool = pool
        self._locks = locks
        self._clock = clock
        self._refresh = refresh_seconds
        self._error_retry = error_retry_seconds
        self._sleep = sleep
        self._monotonic = monotonic
        self._backoff = backoff
        self._workers: dict[int, _Worker] = {}
        self._ended: dict[int, _Ended] = {}
        self._generation = locks.generation
        # Account-state writes the connectors' status listener asks for (it cannot await).
        self._state_writes = TaskKeeper("ingest supervisor")
        self.wake = asyncio.Event()
        # Told when a worker ends by itself: (account id, "finished" | "error" | "restart").
        self.on_worker_end: Callable[[int, str], None] | None = None

    @property
    def running_accounts(self) -> set[int]:
        return set(self._workers)

    # --- the supervising loop ------------------------------------------------------------------

    async def run(self) -> None:
        failures = LoopFailures(log, "ingest supervisor: reconciling accounts")
        try:
            while True:
                try:
                    await self._reconcile()
                except Exception as exc:
                    failures.failed(exc)
                else:
                    failures.succeeded()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._refresh):
                        await self.wake.wait()
                self.wake.clear()
        finally:
            await self._stop_all()

    async def _reconcile(self) -> None:
        configs = await anyio.to_thread.run_sync(self._read_accounts)
        await anyio.to_thread.run_sync(self._locks.check)
        if self._locks.generation != self._generation:
            self._generation = self._locks.generation
            log.warning("ingest: account locks lost; stopping workers until they are retaken")
            await self._stop_all()
        wanted = {c.id: c for c in configs}
        for account_id, worker in list(self._workers.items()):
            config = wanted.get(account_id)
            if worker.task.done():
                await self._reap(account_id, worker)
            elif config is None or config.identity != worker.config.identity:
                await self._stop(account_id)
                await self._pool.drop(account_id)
        for account_id in list(self._ended):
            if account_id not in wanted:
                del self._ended[account_id]
        for config in configs:
            if config.id in self._workers or not self._may_start(config):
                continue
            if await anyio.to_thread.run_sync(self._locks.try_lock, ACCOUNT_LOCKS, config.id):
                self._start(config)

    def _read_accounts(self) -> list[AccountConfig]:
        with self._db.read() as session:
            return enabled_accounts(session)

    def _may_start(self, config: AccountConfig) -> bool:
        ended = self._ended.get(config.id)
        if ended is None:
            return True
        if ended.identity != config.identity:
            del self._ended[config.id]
            return True
        if ended.outcome == "error" and self._monotonic() - ended.at >= self._error_retry:
            del self._ended[config.id]
            return True
        return False

    def _start(self, config: AccountConfig) -> None:
        task = asyncio.create_task(self._run_account(config), name=f"ingest-{config.id}")
        self._workers[config.id] = _Worker(config, task)
        task.add_done_callback(lambda _t: self.wake.set())
        log.info("ingest: started account %d (%s %s)", config.id, config.network, config.name)

    async def _reap(self, account_id: int, worker: _Worker) -> None:
        del self._workers[account_id]
        await anyio.to_thread.run_sync(self._locks.unlock, ACCOUNT_LOCKS, account_id)
        outcome = "restart"
        if not worker.task.cancelled():
            exc = worker.task.exception()
            if exc is not None:
                log.error("ingest worker %d crashed", account_id, exc_info=exc)
            else:
                outcome = worker.task.result()
        if outcome in ("finished", "error"):
            self._ended[account_id] = _Ended(worker.config.identity, outcome, self._monotonic())
        if self.on_worker_end is not None:
            self.on_worker_end(account_id, outcome)

    async def _stop(self, account_id: int) -> None:
        worker = self._workers.pop(account_id, None)
        if worker is None:
            return
        worker.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await worker.task
        await anyio.to_thread.run_sync(self._locks.unlock, ACCOUNT_LOCKS, account_id)
        log.info("ingest: stopped account %d", account_id)

    async def _stop_all(self) -> None:
        for account_id in list(self._workers):
            await self._stop(account_id)
        await self._state_writes.aclose()

    # --- one account -------------------------------------------------------------------------

    async def _run_account(self, config: AccountConfig) -> str:
        """Ingest until cancelled; returns "finished" when the source has nothing more to play
        (the demo) or "error" when the account needs a person."""
        backoff = self._backoff()
        cursor = config.cursor
        while True:
            try:
                connector = await self._pool.get(config)
                connector.on_status = lambda err: self._report(config.id, err)
                async for incoming in connector.stream_mentions(cursor):
                    stored = await anyio.to_thread.run_sync(self._store, config.id, incoming)
                    if not stored:
                        return "finished"  # the account was removed meanwhile
                    if incoming.cursor is not None:
                        cursor = incoming.cursor
                    backoff.reset()
                if config.network is Network.DEMO:
                    return "finished"
                delay = backoff.next_delay()  # a live stream ended by itself: resume shortly
            except asyncio.CancelledError:
                raise
            except (AuthError, PermanentError) as exc:
                await self._set_state(config.id, STATE_ERROR, exc.message)
                await self._pool.drop(config.id)
                log.warning("ingest: account %d stopped: %s", config.id, exc.message)
                return "error"
            except RateLimited as exc:
                await self._set_state(config.id, STATE_DEGRADED, exc.message)
                delay = max(exc.retry_after, backoff.next_delay())
            except TransientError as exc:
                await self._set_state(config.id, STATE_DEGRADED, exc.message)
                delay = backoff.next_delay()
            except ConnectorError as exc:
                await self._set_state(config.id, STATE_DEGRADED, exc.message)
                delay = backoff.next_delay()
            except Exception:
                log.exception("ingest: account %d failed; resuming from its cursor", config.id)
                with contextlib.suppress(Exception):
                    await self._set_state(
                        config.id, STATE_DEGRADED, "Ingest hit an internal error; retrying."
                    )
                delay = backoff.next_delay()
            await self._sleep(delay)
            # Resume from what is stored: whatever was received but not stored comes again.
            fresh = await anyio.to_thread.run_sync(self._read_config, config.id)
            if fresh is None:
                return "finished"
            cursor = fresh.cursor

    def _read_config(self, account_id: int) -> AccountConfig | None:
        with self._db.read() as session:
            return account_config(session, account_id)

    def _store(self, account_id: int, incoming: Incoming) -> bool:
        """Store one mention (or quarantine one item) with the cursor after it; a mention the
        database refuses for its own sake is quarantined instead, so the cursor moves on."""
        if isinstance(incoming, Quarantined):
            return self._quarantine(
                account_id, incoming.network, incoming.external_id, incoming.reason,
                incoming.raw, incoming.cursor,
            )  # fmt: skip
        now = self._clock()
        readings = read_items([incoming.mention])  # the slow part, before the transaction
        plan = plan_incoming(account_id, [incoming], readings=readings, now=now)
        try:
            with self._db.write() as session:
                result = store_incoming(session, account_id, plan, incoming.cursor, now=now)
        except Exception as exc:
            if not refused_by_database(exc):
                raise  # the database is away, busy or full: retried from the stored cursor
            mention = incoming.mention
            return self._quarantine(
                account_id,
                mention.network,
                mention.external_id,
                refusal_reason(exc),
                {"mention": mention.model_dump(mode="json"), "reply_ref": dict(incoming.reply_ref)},
                incoming.cursor,
            )
        worker = self._workers.get(account_id)
        if worker is not None:
            worker.wanted_state = (STATE_OK, None)
        return result is not None

    def _quarantine(
        self,
        account_id: int,
        network: Network,
        external_id: str,
        reason: str,
        raw: Mapping[str, Any],
        cursor: str | None,
    ) -> bool:
        with self._db.write() as session:
            kept = quarantine_item(
                session,
                account_id,
                network=network,
                external_id=external_id,
                reason=reason,
                raw=raw,
                cursor=cursor,
                now=self._clock(),
            )
        return kept is not None

    # --- account state -----------------------------------------------------------------------

    def _report(self, account_id: int, error: ConnectorError | None) -> None:
        """The connector's status listener (called on the loop, must not block)."""
        if error is None:
            state: tuple[str, str | None] = (STATE_OK, None)
        else:
            state = (STATE_DEGRADED, error.message)
        self._state_writes.spawn(
            self._set_state(account_id, *state), name=f"account-state-{account_id}"
        )

    async def _set_state(self, account_id: int, state: str, error: str | None) -> None:
        worker = self._workers.get(account_id)
        if worker is None:
            await anyio.to_thread.run_sync(self._write_state, account_id, state, error)
            return
        worker.wanted_state = (state, error)
        async with worker.state_lock:
            # Write the newest wish (an older call queued behind this lock writes it too).
            await anyio.to_thread.run_sync(self._write_state, account_id, *worker.wanted_state)

    def _write_state(self, account_id: int, state: str, error: str | None) -> None:
        try:
            with self._db.write() as session:
                set_account_state(session, account_id, state, error, now=self._clock())
        except Exception:
            log.exception("could not record the state of account %d", account_id)

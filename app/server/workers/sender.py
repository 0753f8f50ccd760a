"""The reply sender: posts queued replies through the mention's brand-account connector.

A reply due for sending is claimed (on PostgreSQL `FOR UPDATE SKIP LOCKED` plus an advisory lock
held while it is in flight, so two processes never send the same reply), marked `sending` and
committed BEFORE the network is called. The network's answer is recorded in one transaction:
the reply's external id and URL, status `sent`, the mention `replied`, a `reply.updated` event
(services/replies.py makes every such change; this module only decides when).

Failures: a rate limit requeues after its delay; a transient error requeues with exponential
backoff; a deleted post, a refused or unsupported reply fail with the network's reason; refused
credentials keep the reply queued and put the account in `error`. A reply found in `sending`
with nobody holding it (the process crashed between the network's answer and our commit) is
sent again with `is_retry=True`: the connector finds the earlier reply instead of posting twice
(invariant 2), and Mastodon also gets the same Idempotency-Key."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import anyio
from sqlalchemy import or_, select, true
from sqlalchemy.orm import Session

from app.common.tasks import TaskKeeper
from app.connectors import (
    AuthError,
    ConnectorError,
    NotFound,
    PermanentError,
    PostedReply,
    RateLimited,
    ReplyRequest,
    TransientError,
)
from app.connectors.base import parse_visibility
from app.models.enums import ReplyStatus
from app.models.tables import Mention, Reply
from app.server.clock import Clock
from app.server.db import Database
from app.server.errors import Conflict, DomainError, LoopFailures
from app.server.services.accounts import (
    STATE_ERROR,
    AccountConfig,
    reply_route,
    set_account_state,
)
from app.server.services.replies import (
    mark_reply_failed,
    mark_reply_sending,
    mark_reply_sent,
    next_queued_replies,
)
from app.server.workers.locks import REPLY_LOCKS, ProcessLocks
from app.server.workers.pool import ConnectorPool

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
AUTH_RETRY = timedelta(seconds=60)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the `attempts`-th failed attempt: 2 s, 4 s, 8 s … at most 5 minutes."""
    return timedelta(seconds=min(300.0, 2.0 ** max(1, min(attempts, 9))))


@dataclass(frozen=True)
class ClaimedReply:
    """A reply this process holds (status `sending`, lock held) and what posting it needs."""

    reply_id: int
    attempts: int
    request: ReplyRequest | None
    account: AccountConfig | None
    problem: str | None = None  # why it cannot be sent at all (no account to reply from)


class ReplySender:
    """Sends the replies of this process; `run()` until cancelled."""

    def __init__(
        self,
        db: Database,
        pool: ConnectorPool,
        locks: ProcessLocks,
        *,
        clock: Clock,
        poll_seconds: float = 1.0,
        recover_seconds: float = 5.0,
        concurrency: int = 4,
        batch: int = 20,
        monotonic: Callable[[], float] = lambda: asyncio.get_running_loop().time(),
    ) -> None:
        self._db = db
        self._pool = pool
        self._locks = locks
        self._clock = clock
        self._poll = poll_seconds
        self._recover_every = recover_seconds
        self._batch = batch
        self._slots = asyncio.Semaphore(concurrency)
        self._in_flight: set[int] = set()
        self._sending = TaskKeeper("reply sender")
        self._monotonic = monotonic
        self.wake = asyncio.Event()

    async def run(self) -> None:
        last_recovery = -float("inf")
        failures = LoopFailures(log, "reply sender: claiming replies")
        try:
            while True:
                try:
                    if self._monotonic() - last_recovery >= self._recover_every:
                        last_recovery = self._monotonic()
                        for claimed in await anyio.to_thread.run_sync(self._recover):
                            await self._spawn(claimed)
                    while await anyio.to_thread.run_sync(self._has_due):
                        free = self._batch - len(self._in_flight)
                        if free <= 0:
                            break
                        claimed_now = await anyio.to_thread.run_sync(self._claim, free)
                        for claimed in claimed_now:
                            await self._spawn(claimed)
                        if len(claimed_now) < free:
                            break
                except Exception as exc:
                    failures.failed(exc)
                else:
                    failures.succeeded()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._poll):
                        await self.wake.wait()
                self.wake.clear()
        finally:
            await self._sending.aclose()

    async def _spawn(self, claimed: ClaimedReply) -> None:
        self._sending.spawn(self._send(claimed), name=f"reply-{claimed.reply_id}")

    # --- claiming ------------------------------------------------------------------------------

    def _has_due(self) -> bool:
        """A cheap read first: claiming takes the write lock (all of SQLite's)."""
        now = self._clock()
        with self._db.read() as session:
            due = session.scalar(
                select(Reply.id)
                .where(
                    Reply.status == ReplyStatus.QUEUED,
                    or_(Reply.next_attempt_at.is_(None), Reply.next_attempt_at <= now),
                    Reply.id.not_in(self._in_flight) if self._in_flight else true(),
                )
                .limit(1)
            )
        return due is not None

    def _claim(self, limit: int) -> list[ClaimedReply]:
        now = self._clock()
        claimed: list[ClaimedReply] = []
        try:
            with self._db.write() as session:
                for reply in next_queued_replies(session, now, limit):
                    if reply.id in self._in_flight:
                        continue
                    if not self._locks.try_lock(REPLY_LOCKS, reply.id):
                        continue  # another process is recovering it right now
                    self._in_flight.add(reply.id)
                    is_retry = reply.attempts > 0
                    try:
                        mark_reply_sending(session, reply.id, now)
                    except Conflict:  # cancelled by its author since it was read: not sent
                        self._release(reply.id)
                        continue
                    claimed.append(self._describe(session, reply, is_retry=is_retry))
        except BaseException:
            for item in claimed:
                self._release(item.reply_id)
            raise
        return claimed

    def _recover(self) -> list[ClaimedReply]:
        """Replies left `sending` by a process that died (nobody holds their lock)."""
        now = self._clock()
        claimed: list[ClaimedReply] = []
        with self._db.read() as session:
            sending = set(
                session.scalars(select(Reply.id).where(Reply.status == ReplyStatus.SENDING))
            )
        if not sending - self._in_flight:
            return claimed
        try:
            with self._db.write() as session:
                rows = session.scalars(
                    select(Reply)
                    .where(Reply.status == ReplyStatus.SENDING)
                    .order_by(Reply.id)
                    .limit(self._batch)
                    .with_for_update(skip_locked=True)
                ).all()
                for reply in rows:
                    if reply.id in self._in_flight:
                        continue
                    if not self._locks.try_lock(REPLY_LOCKS, reply.id):
                        continue  # a live process is sending it
                    self._in_flight.add(reply.id)
                    log.warning("reply %d was left sending; retrying it as a retry", reply.id)
                    mark_reply_sending(session, reply.id, now)
                    claimed.append(self._describe(session, reply, is_retry=True))
        except BaseException:
            for item in claimed:
                self._release(item.reply_id)
            raise
        return claimed

    def _describe(self, session: Session, reply: Reply, *, is_retry: bool) -> ClaimedReply:
        mention = session.get(Mention, reply.mention_id)
        assert mention is not None  # replies cascade with their mention
        # The one rule for which account answers a mention (the reply route refuses at once
        # what it would refuse here; an account removed meanwhile still ends up here).
        route = reply_route(session, mention, account_id=reply.account_id)
        if route.account is None:
            return ClaimedReply(reply.id, reply.attempts, None, None, problem=route.problem)
        raw = {str(k): str(v) for k, v in (mention.raw or {}).items()}
        request = ReplyRequest(
            client_id=reply.client_id,
            body=reply.body,
            in_reply_to_external_id=mention.external_id,
            author_handle=mention.author_handle,
            visibility=parse_visibility(mention.visibility),
            reply_ref=raw,
            is_retry=is_retry,
        )
        return ClaimedReply(reply.id, reply.attempts, request, AccountConfig.of(route.account))

    def _release(self, reply_id: int) -> None:
        self._in_flight.discard(reply_id)
        self._locks.unlock(REPLY_LOCKS, reply_id)

    # --- sending -------------------------------------------------------------------------------

    async def _send(self, claimed: ClaimedReply) -> None:
        try:
            async with self._slots:
                await self._attempt(claimed)
        except asyncio.CancelledError:
            raise  # shutting down: the reply stays `sending` and is recovered as a retry
        except Exception:
            log.exception("reply %d: recording the outcome failed", claimed.reply_id)
        finally:
            await anyio.to_thread.run_sync(self._release, claimed.reply_id)

    async def _attempt(self, claimed: ClaimedReply) -> None:
        if claimed.request is None or claimed.account is None:
            await self._record_failure(claimed, claimed.problem or "Cannot send.", retry=None)
            return
        account = claimed.account
        try:
            connector = await self._pool.get(account)
            posted = await connector.post_reply(claimed.request)
        except RateLimited as exc:
            await self._record_failure(
                claimed, exc.message, retry=timedelta(seconds=exc.retry_after)
            )
        except NotFound as exc:
            await self._record_failure(
                claimed, f"The customer's post is gone (deleted?): {exc.message}", retry=None
            )
        except AuthError as exc:
            await self._pool.drop(account.id)
            await anyio.to_thread.run_sync(self._account_error, account.id, exc.message)
            await self._record_failure(claimed, exc.message, retry=AUTH_RETRY, keep_trying=True)
        except PermanentError as exc:  # includes ReplyNotSupported
            await self._record_failure(claimed, exc.message, retry=None)
        except TransientError as exc:
            await self._record_failure(
                claimed, exc.message, retry=retry_delay(claimed.attempts + 1)
            )
        except ConnectorError as exc:
            await self._record_failure(
                claimed, exc.message, retry=retry_delay(claimed.attempts + 1)
            )
        except Exception:
            log.exception("reply %d: the connector failed unexpectedly", claimed.reply_id)
            await self._record_failure(
                claimed,
                "Sending hit an internal error; it will be retried.",
                retry=retry_delay(claimed.attempts + 1),
            )
        else:
            await anyio.to_thread.run_sync(self._record_sent, claimed.reply_id, posted)

    def _account_error(self, account_id: int, message: str) -> None:
        with self._db.write() as session:
            set_account_state(session, account_id, STATE_ERROR, message, now=self._clock())

    async def _record_failure(
        self,
        claimed: ClaimedReply,
        error: str,
        *,
        retry: timedelta | None,
        keep_trying: bool = False,
    ) -> None:
        attempts = claimed.attempts + 1
        if retry is not None and attempts >= MAX_ATTEMPTS and not keep_trying:
            error = f"{error} (gave up after {attempts} attempts)"
            retry = None
        log.info("reply %d: %s", claimed.reply_id, "retrying" if retry else "failed")
        await anyio.to_thread.run_sync(self._write_failure, claimed.reply_id, error, retry)

    def _write_failure(self, reply_id: int, error: str, retry: timedelta | None) -> None:
        now = self._clock()
        with contextlib.suppress(DomainError), self._db.write() as session:
            mark_reply_failed(
                session, reply_id, error=error, retry_at=now + retry if retry else None, now=now
            )

    def _record_sent(self, reply_id: int, posted: PostedReply) -> None:
        now = self._clock()
        with contextlib.suppress(DomainError), self._db.write() as session:
            mark_reply_sent(
                session,
                reply_id,
                external_id=posted.external_id,
                external_url=posted.url,
                now=now,
            )

"""Brand accounts at work inside `serve`: the ingest supervisor (one worker per account) and
the reply sender, sharing one `RateControl`, one connector per account and this process's locks.

`WorkerRuntime.start(...)` in the app's lifespan, `await runtime.stop()` on shutdown. Both loops
also wake on events (`account.updated` → supervisor, `reply.updated` → sender) read from the
server's event hub, so a change made by another process (the CLI, a second server on the same
PostgreSQL) is acted on at once rather than at the next poll."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import anyio

from app.common.tasks import TaskKeeper
from app.connectors import RateControl
from app.models.enums import EventType
from app.server.clock import Clock
from app.server.db import Database
from app.server.events import EventHub, Overflowed
from app.server.secrets import SecretStore, secret_store_for
from app.server.settings import Settings
from app.server.workers.ingest import IngestSupervisor
from app.server.workers.locks import ProcessLocks, locks_for
from app.server.workers.pool import ConnectorPool
from app.server.workers.sender import ReplySender

log = logging.getLogger(__name__)

__all__ = ["WorkerRuntime"]


@dataclass
class WorkerRuntime:
    """The running ingest supervisor and reply sender of one server process."""

    supervisor: IngestSupervisor
    sender: ReplySender
    pool: ConnectorPool
    locks: ProcessLocks
    tasks: TaskKeeper = field(default_factory=lambda: TaskKeeper("workers"))

    @classmethod
    async def start(
        cls,
        db: Database,
        settings: Settings,
        *,
        clock: Clock,
        hub: EventHub | None = None,
        secrets: SecretStore | None = None,
        rate_control: RateControl | None = None,
    ) -> WorkerRuntime:
        store = secrets or secret_store_for(
            settings.database_url, settings.secrets_file, solo=bool(settings.solo_token)
        )
        control = rate_control or RateControl()
        pool = ConnectorPool(store, control)
        locks = locks_for(db)
        supervisor = IngestSupervisor(
            db,
            pool,
            locks,
            clock=clock,
            refresh_seconds=settings.account_refresh_seconds,
            sleep=control.sleep,  # one injectable clock for every wait of ingest
        )
        sender = ReplySender(
            db, pool, locks, clock=clock, poll_seconds=settings.sender_poll_seconds
        )
        runtime = cls(supervisor, sender, pool, locks)
        runtime.tasks.spawn(supervisor.run(), name="ingest-supervisor")
        runtime.tasks.spawn(sender.run(), name="reply-sender")
        if hub is not None:
            runtime.tasks.spawn(runtime._follow(hub), name="ingest-wakeup")
        return runtime

    async def _follow(self, hub: EventHub) -> None:
        """Wake the loops on the events that concern them (ours and other processes')."""
        while True:
            sub = hub.subscribe()
            try:
                while True:
                    types = {item.type for item in (await sub.next()).events}
                    if EventType.ACCOUNT_UPDATED in types:
                        self.supervisor.wake.set()
                    if EventType.REPLY_UPDATED in types:
                        self.sender.wake.set()
            except Overflowed:
                self.supervisor.wake.set()
                self.sender.wake.set()
            finally:
                hub.unsubscribe(sub)

    async def stop(self) -> None:
        await self.tasks.aclose()
        await self.pool.aclose()
        await anyio.to_thread.run_sync(self.locks.close)

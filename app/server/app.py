"""The FastAPI app factory: `create_app(settings)` wires database, event hub, jobs and routers.
Nothing is built at import time; the database is opened in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import APIRouter, FastAPI

from app.server.api import (
    accounts,
    approvals,
    broadcasts,
    bulk,
    canned,
    customers,
    drafts,
    events,
    followups,
    handoffs,
    health,
    mentions,
    notes,
    on_call,
    overview,
    replies,
    roster,
    routing,
    saved_views,
    storm_answer,
    storms,
    tags,
    teams,
    users,
)
from app.server.api.deps import body_gate
from app.server.auth import USER_TOKEN, Principal, TokenCache, hash_token
from app.server.clock import Clock, system_clock
from app.server.db import Database, WalCheckpoints, open_database, sqlite_file
from app.server.demo import play_demo
from app.server.errors import LoopFailures, install_error_handlers, watch_recovery
from app.server.event_log import install_commit_signal
from app.server.event_placer import EventPlacer
from app.server.events import EventHub
from app.server.fastread import FastReads
from app.server.heap import freeze_startup_heap
from app.server.ingest_planner import IngestPlanner
from app.server.limits import BodySizeLimit
from app.server.methods import install_method_not_allowed
from app.server.routing_watch import WaitingRouter
from app.server.services import jobs as job_service
from app.server.services.claims import ClaimDesk, KnownMentions
from app.server.services.notify import Notifier, install_notifier
from app.server.services.storm_detector import StormDetector
from app.server.services.users import ensure_local_owner
from app.server.settings import Settings
from app.server.workers.runtime import WorkerRuntime

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"


def _run_jobs_once(db: Database, clock: Clock) -> None:
    now = clock()
    with db.read() as session:  # which priorities move: worked out before the write transaction
        rescore = job_service.plan_rescore(session, now)
    with db.write() as session:
        job_service.run_due_jobs(session, now, rescore=rescore)


async def _jobs_loop(db: Database, clock: Clock, interval: float) -> None:
    failures = LoopFailures(log, "background job round")  # once per outage, not every round
    while True:
        try:
            await anyio.to_thread.run_sync(_run_jobs_once, db, clock)
        except Exception as exc:
            failures.failed(exc)
        else:
            failures.succeeded()
        await asyncio.sleep(interval)  # a schedule, not a wait for a condition


def _pin_solo_owner(db: Database, settings: Settings, cache: TokenCache, clock: Clock) -> None:
    """Solo mode: accept RESPONDER_SOLO_TOKEN (hash kept in memory only) as the local owner."""
    if not settings.solo_token:
        return
    with db.write() as session:
        owner = ensure_local_owner(session, settings.solo_user, now=clock())
        principal = Principal(kind=USER_TOKEN, name=owner.name, user_id=owner.id, role=owner.role)
    cache.pin(hash_token(settings.solo_token), principal)
    log.info("solo mode: local owner %r accepts the desktop's token", settings.solo_user)


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    clock: Clock = system_clock,
) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        db = database or open_database(
            settings.database_url,
            pool_size=settings.worker_threads + 6,
            background_checkpoints=True,
        )
        path = sqlite_file(settings.database_url) if database is None else None
        checkpoints = WalCheckpoints(path) if path is not None else None
        if checkpoints is not None:
            checkpoints.start()
        app.state.wal_checkpoints = checkpoints
        fast = FastReads(db)
        await fast.start()
        known = KnownMentions()
        detector = StormDetector(db, clock) if settings.detect_storms else None
        router = WaitingRouter(db, clock)
        hub = EventHub(
            db,
            poll_seconds=settings.event_poll_seconds,
            queue_size=settings.subscriber_queue_size,
            fetch_after=fast.events_after,
            listeners=[
                known.observe,
                router.observe,
                *([detector.observe] if detector is not None else []),
            ],
        )
        # SQLite places events as it writes them; PostgreSQL places them after their commit.
        placer = (
            EventPlacer(db, poll_seconds=settings.event_poll_seconds, on_placed=hub.wake_threadsafe)
            if db.is_postgres
            else None
        )
        install_commit_signal(db, placer.wake_threadsafe if placer else hub.wake_threadsafe)
        watch_recovery(app, db)  # a committed write ends a logged fault (errors.FaultLog)
        # Always on: pages go to each person's own URLs even when none is configured here.
        notifier = Notifier(settings.notify_urls, public_url=settings.public_url)
        uninstall_notifier = install_notifier(db, notifier)
        cache = TokenCache(settings.token_cache_seconds)
        await anyio.to_thread.run_sync(_pin_solo_owner, db, settings, cache, clock)
        app.state.db = db
        app.state.hub = hub
        app.state.placer = placer
        app.state.fast_reads = fast
        app.state.claims = ClaimDesk(db, fast, known)
        app.state.storm_detector = detector
        app.state.token_cache = cache
        planner = IngestPlanner(settings.ingest_processes)
        app.state.planner = planner
        # A write transaction holds the database's write lock (SQLite) or its rows' locks
        # (PostgreSQL) from its first write until its commit, and between the two it still
        # needs worker threads (FastAPI validates a sync endpoint's response in one, the commit
        # runs in another). Writers blocked on that lock sit in worker threads too, so a burst
        # larger than the pool could take every thread while the holder waits for one. Hence:
        # at most half the pool writes at once (the rest wait on the event loop), and commits
        # get threads of their own.
        app.state.write_gate = anyio.Semaphore(max(1, settings.worker_threads // 2))
        app.state.commit_limiter = anyio.CapacityLimiter(settings.worker_threads)
        await hub.start()
        if placer is not None:
            await placer.start()
        background: list[asyncio.Task[None]] = []
        if settings.run_jobs:
            background.append(
                asyncio.create_task(_jobs_loop(db, clock, settings.job_interval_seconds))
            )
        if settings.demo:
            background.append(asyncio.create_task(play_demo(db, clock), name="demo-source"))
        workers = (
            await WorkerRuntime.start(db, settings, clock=clock, hub=hub)
            if settings.run_ingest
            else None
        )
        router.start()
        app.state.waiting_router = router
        if detector is not None:
            detector.start()  # reads its state from the database in its own thread
        if settings.freeze_startup_heap:
            freeze_startup_heap()  # last: after everything start-up keeps alive
        try:
            yield
        finally:
            if workers is not None:
                await workers.stop()
            if detector is not None:
                await anyio.to_thread.run_sync(detector.stop)
            await anyio.to_thread.run_sync(router.stop)
            for task in background:
                task.cancel()
            for task in background:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if placer is not None:
                await placer.stop()
            await hub.stop()
            planner.close()
            if checkpoints is not None:
                await anyio.to_thread.run_sync(checkpoints.stop)
            uninstall_notifier()
            notifier.close()
            await fast.close()
            if database is None:
                db.dispose()

    app = FastAPI(
        title="Responder team server",
        version=health.SERVER_VERSION,
        summary="Mentions, ownership, duty and handoffs for a team answering customers.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.clock = clock
    install_error_handlers(app)
    install_method_not_allowed(app)
    api = APIRouter(prefix=API_PREFIX)
    # bulk before mentions: POST /mentions/bulk is not GET /mentions/{mention_id}'s path
    for module in (health, users, bulk, mentions, replies, accounts, events):
        api.include_router(module.router)
    for module in (handoffs, broadcasts, teams, routing, roster, followups, overview):
        api.include_router(module.router)
    for module in (drafts, canned):  # the reply composer
        api.include_router(module.router)
    for module in (storms, storm_answer):  # storms: seeing them, answering together
        api.include_router(module.router)
    api.include_router(on_call.router)  # on-call paging
    api.include_router(approvals.router)  # approvals of replies beyond a rep's authority
    api.include_router(notes.router)  # working together: notes and presence
    for module in (customers, tags, saved_views):  # customers, tags and saved views
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(on_call.ack_router)  # a page's acknowledgement link, outside the API
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, gate=body_gate(app.state))
    return app

"""Storm detection as mentions arrive: counts per brand account and overall against the usual
level for that hour of the week (the rule: services/storm_baseline.py), the phrases and
hashtags that rose, the storm's mentions and their groups, and `storm.alert` to managers
whatever their duty when a storm starts, grows and blows over (with a notice through the
outgoing notifier when it starts).

The detector runs in the server process beside ingest, never inside it: it hears of each
mention from the event hub once its `mention.created` event is committed (so every server
process hears of every mention, whoever stored it), and does its counting and text work in a
thread of its own — the ingest write transaction does not get one statement longer. It writes
only when a storm starts, takes in mentions, changes state or is announced: one short write
transaction per round of arrivals. On start it rebuilds its state from the database: the past
weeks' counts, the recent mentions, the usual phrases, and the open storms with their
mentions and groups, so a restarted server keeps counting the storm it was in.

Scopes: every mention counts in `all`; one with a brand account (`mentions.account_id`) also
in that account's scope (webhook mentions have none and count in `all` only). A scope has at
most one open storm; `all` opens none while an account's storm is open (that account explains
the spike). Every mention of the scope that arrives while its storm is open joins it; an anger
storm's angry ones are counted in `angry`.

Groups, stable within their storm: a mention that nearly repeats an earlier one (MinHash over
word shingles, services/storm_text.py) joins that one's group; else one carrying a risen
hashtag or phrase joins that topic's group; else it waits in "Other mentions" — from where
its first near-duplicate takes it into a group of copies.

Several server processes on one PostgreSQL each detect; the storm rows are written under one
advisory lock, and a process that finds a scope's storm already opened by another takes it
over instead of opening (and announcing) a second."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import queue
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models.enums import EventType, StormKind, StormState
from app.models.storm_schemas import StormPublic
from app.models.storm_tables import SCOPE_ALL, Storm, StormGroupRow, StormMention
from app.models.tables import Mention
from app.server.background import start_background_process
from app.server.clock import Clock
from app.server.db import Database
from app.server.errors import classify_fault
from app.server.event_log import MANAGERS, record_event
from app.server.heap import load_for_good
from app.server.services.history import one_line
from app.server.services.notify import Notice, queue_notice
from app.server.services.storm_baseline import (
    END_RATIO,
    GROW_RATIO,
    HISTORY_WEEKS,
    WINDOW,
    Level,
    ScopeCounts,
    hour_of,
    minute_of,
)
from app.server.services.storms import storm_public
from app.tone.mention import HOSTILE_SENTIMENT

if TYPE_CHECKING:
    from types import ModuleType

    from app.server.events import WireEvent
    from app.server.services.storm_text import MentionText, NearDuplicates, Risen

log = logging.getLogger(__name__)


def _log_failure(what: str) -> None:
    """A database that is away (a restart, a full disk) is said in one line, no trace: it is
    no bug, and the detector tries again next round. Anything else is logged with its trace."""
    exc = sys.exc_info()[1]
    fault = classify_fault(exc) if exc is not None else None
    if fault is not None:
        log.warning("%s: %s", what, fault)
    else:
        log.exception(what)


# Recent mentions kept whole (with what they say) for a storm that starts: the window's newest.
RECENT_CAP = 5000
# The usual frequency of phrases: the last this many mentions that were in no storm.
REFERENCE_SIZE = 5000
# ...taking in at most this many a minute (a busy hour's usual is a sample of it): reading a
# post costs about 0.2 ms, which thousands a second would spend on the server's one GIL.
REFERENCE_PER_MINUTE = 120
# The opening of a post the detector keeps (the text work reads 280 characters of it).
BODY_CHARS = 400
# A storm's phrases are counted over its first this many mentions.
MEMBER_TEXTS_CAP = 20_000
PHRASES_SHOWN = 8
RISEN_READ_AGAIN = 1.1
# Storms' new members are written at most this often (an alert at once).
WRITE_EVERY_SECONDS = 1.0
# With nothing arriving, the detector still looks this often whether a storm is over.
TICK_SECONDS = 15.0
ROUND_MAX = 5000
# A storm's new mentions are read in a process of their own once a round brings this many
# (reading costs about 0.4 ms a post, all of it Python: in the server process it would hold
# the GIL that requests need); from then on every round is read there, however small (the
# event hub hands a storm's mentions over in rounds of any size). Before, in the thread.
READ_IN_PROCESS_FROM = 100
READ_TIMEOUT_SECONDS = 60.0
OTHER_LABEL = "Other mentions"
LABEL_CHARS = 60
ALERT_TITLE = "Responder: a storm is rising"
# One arbitrary 64-bit key for "I am writing storms" (ASCII "RESPSTRM").
STORM_LOCK_KEY = 0x524553505354524D


def _text() -> ModuleType:
    """The text work (services/storm_text.py), whose libraries take 0.75 s of CPU to load here:
    loaded when first needed (a server that never reads a post never loads them), for good."""
    return load_for_good("app.server.services.storm_text")


def account_scope(account_id: int) -> str:
    return f"account:{account_id}"


def is_angry(sentiment: float) -> bool:
    """An angry mention, as storms count it: the tone check's hostile reading."""
    return sentiment <= HOSTILE_SENTIMENT


@dataclass(slots=True, eq=False)
class Arrival:
    """A stored mention as the detector reads it. What it says (`said`) is read only when a
    storm or the usual phrases need it: counting alone reads no text."""

    id: int
    at: datetime  # when it was written (its ingest time if the network's clock is ahead)
    account_id: int | None
    network: str
    language: str | None
    angry: bool
    body: str  # the post's opening (the text work reads no further)
    _said: MentionText | None = None

    def said(self) -> MentionText:
        if self._said is None:
            self._said = _text().read_text(self.body, self.language)
        return self._said

    @property
    def excerpt(self) -> str:
        return one_line(self.body, LABEL_CHARS)

    def in_scope(self, scope: str) -> bool:
        return scope == SCOPE_ALL or (
            self.account_id is not None and scope == account_scope(self.account_id)
        )

    @property
    def scopes(self) -> tuple[str, ...]:
        if self.account_id is None:
            return (SCOPE_ALL,)
        return (SCOPE_ALL, account_scope(self.account_id))


def _arrival(
    *,
    mention_id: int,
    created_at: datetime,
    ingested_at: datetime,
    account_id: int | None,
    network: str,
    language: str | None,
    sentiment: float,
    body: str,
) -> Arrival:
    return Arrival(
        id=mention_id,
        at=min(created_at, ingested_at),
        account_id=account_id,
        network=network,
        language=language,
        angry=is_angry(sentiment),
        body=body[:BODY_CHARS],
    )


def arrival_of_event(payload: Any) -> Arrival:
    """The arrival a `mention.created` event's payload (a dict, or JSON text) describes."""
    data = json.loads(payload) if isinstance(payload, str | bytes) else payload
    mention = data["mention"]
    return _arrival(
        mention_id=int(mention["id"]),
        created_at=datetime.fromisoformat(mention["created_at"]),
        ingested_at=datetime.fromisoformat(mention["ingested_at"]),
        account_id=mention.get("account_id"),
        network=str(mention["network"]),
        language=mention.get("language"),
        sentiment=float(mention.get("sentiment") or 0.0),
        body=str(mention.get("text") or ""),
    )


@dataclass(slots=True, eq=False)  # one storm is itself: compared and hashed by identity
class OpenStorm:
    """A storm the detector is in, with what it needs to take in more mentions."""

    kind: StormKind
    scope: str
    account_id: int | None
    started_at: datetime
    near: NearDuplicates
    id: int | None = None
    state: StormState = StormState.RISING
    last_at: datetime | None = None
    over_at: datetime | None = None
    rate: float = 0.0
    usual: float = 0.0
    alerted_rate: float = 0.0
    alerted_at: datetime | None = None
    count: int = 0
    angry: int = 0
    texts: int = 0  # members whose phrases are counted
    phrases: Counter[str] = field(default_factory=Counter)
    hashtags: Counter[str] = field(default_factory=Counter)
    networks: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    risen_phrases: list[Risen] = field(default_factory=list)
    risen_hashtags: list[Risen] = field(default_factory=list)
    risen_read_at: int = 0  # how many texts were counted when what rose was last read
    group_of: dict[int, int] = field(default_factory=dict)  # an indexed mention → its group
    topic_groups: dict[str, int] = field(default_factory=dict)
    other_group: int | None = None
    next_group: int = 1
    pending: list[Arrival] = field(default_factory=list)  # arrived, not yet taken in
    # Not yet written: new groups (id, kind, label, topic, sample), new members, moved members.
    new_groups: list[tuple[int, str, str, str | None, int]] = field(default_factory=list)
    new_members: list[tuple[int, int]] = field(default_factory=list)
    moved: list[tuple[int, int]] = field(default_factory=list)

    def measure(self, level: Level) -> None:
        if self.kind is StormKind.ANGER:
            self.rate, self.usual = level.angry_rate, level.usual_angry_floored
        else:
            self.rate, self.usual = level.rate, level.usual_floored


class StormDetector:
    """Fed with committed `mention.created` events (`observe`, the event hub's listener, on
    the event loop); detects in its own thread, started by `start` after the app's database
    is open, stopped by `stop`."""

    def __init__(self, db: Database, clock: Clock, *, reading_process: bool = True) -> None:
        self._db = db
        self._clock = clock
        self._reading_process = reading_process
        self._readers: ProcessPoolExecutor | None = None
        self._readers_started: Future[list[MentionText]] | None = None
        self._inbox: queue.Queue[Any] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._done = threading.Condition()
        self._through = 0  # the highest mention id taken in (or already counted at start)
        self._checks = 0  # checks done (`check`)
        self._loaded_through = 0
        self._counts: dict[str, ScopeCounts] = {}
        self._recent: deque[Arrival] = deque()
        # The usual phrases' mentions, each as (its phrases, its hashtags): plain tuples of
        # strings, which the cycle collector stops tracking (the reference lives for good).
        self._reference: deque[tuple[tuple[str, ...], tuple[str, ...]]] = deque()
        self._ref_phrases: Counter[str] = Counter()
        self._ref_hashtags: Counter[str] = Counter()
        self._reference_minute = 0
        self._reference_taken = 0
        self._open: dict[str, OpenStorm] = {}
        self._members: set[int] = set()  # mentions of open storms (not usual: kept out of it)
        self._alerts: list[tuple[OpenStorm, str]] = []
        self._dirty: set[OpenStorm] = set()  # open or just-over storms to write
        self._closing: list[OpenStorm] = []
        self._last_forget: datetime | None = None
        self._written = 0.0  # time.monotonic() of the last write

    # --- feeding, starting and stopping (any thread) ----------------------------------------

    def observe(self, event: WireEvent) -> None:
        if event.type == EventType.MENTION_CREATED:
            self._inbox.put(event.payload)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="storm-detector", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping = True
        self._inbox.put(None)
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._readers is not None:
            self._readers.shutdown(wait=False, cancel_futures=True)

    def settle(self, mention_id: int, timeout: float = 30.0) -> bool:
        """Wait until the mentions up to `mention_id` are taken in and written; False on
        timeout."""
        with self._done:
            if not self._done.wait_for(lambda: self._through >= mention_id, timeout):
                return False
        return self.check(timeout)

    def check(self, timeout: float = 30.0) -> bool:
        """Look now (at the clock's now) whether open storms changed state, write what waits
        to be written, and wait for it."""
        with self._done:
            wanted = self._checks + 1
        self._inbox.put(_CHECK)
        with self._done:
            return self._done.wait_for(lambda: self._checks >= wanted, timeout)

    # --- the thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._rebuild()
        except Exception:
            _log_failure("storm detector could not read its state; it starts empty")
        while not self._stopping:
            waiting = self._dirty or self._alerts
            wait = WRITE_EVERY_SECONDS - (time.monotonic() - self._written) if waiting else 0
            try:
                first = self._inbox.get(timeout=max(wait, 0.01) if waiting else TICK_SECONDS)
            except queue.Empty:
                first = _CHECK
            items = [first]
            while len(items) < ROUND_MAX:
                try:
                    items.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            if any(item is None for item in items):
                return
            checks = sum(1 for item in items if item is _CHECK)
            try:
                self._round([item for item in items if item is not _CHECK], write=checks > 0)
            except Exception:
                _log_failure("storm detector round failed")
            with self._done:
                self._checks += checks
                self._done.notify_all()

    def _round(self, payloads: Sequence[Any], *, write: bool = False) -> None:
        """Take in a round of arrivals; write the storms when an alert waits, when asked
        (`write`, a check) or at most every `WRITE_EVERY_SECONDS` — in a storm every round
        adds members, and a write transaction per round of a few mentions would take the
        write lock (SQLite) from ingest and claims several times a second."""
        now = self._clock()
        arrivals: list[Arrival] = []
        for payload in payloads:
            try:
                arrival = arrival_of_event(payload)
            except (ValueError, KeyError, TypeError):
                log.warning("storm detector skipped an unreadable mention event")
                continue
            if arrival.id > self._loaded_through:
                arrivals.append(arrival)
        touched = self._take_in(arrivals, now)
        self._age_out(now)
        for storm in list(self._open.values()):
            self._advance(storm, now)
        # Accounts first: a spike one account explains is that account's storm.
        for scope in sorted(touched, key=lambda s: s == SCOPE_ALL):
            self._maybe_start(scope, now)
        if write or self._alerts or time.monotonic() - self._written >= WRITE_EVERY_SECONDS:
            self._write(now)
        if arrivals:
            with self._done:
                self._through = max(self._through, max(a.id for a in arrivals))
        if self._last_forget is None or now - self._last_forget > timedelta(minutes=1):
            for counts in self._counts.values():
                counts.forget_before(now)
            self._last_forget = now

    def _take_in(self, arrivals: Iterable[Arrival], now: datetime) -> set[str]:
        touched: set[str] = set()
        for arrival in arrivals:
            for scope in arrival.scopes:
                self._counts.setdefault(scope, ScopeCounts()).add(
                    arrival.at, arrival.angry, now=now
                )
                touched.add(scope)
            if arrival.at <= now - WINDOW:  # history arriving late: usual, not news
                self._to_reference(arrival, now)
                continue
            self._recent.append(arrival)
            if len(self._recent) > RECENT_CAP:
                self._leave_recent(self._recent.popleft())
            for storm in self._open.values():
                if arrival.in_scope(storm.scope):
                    storm.pending.append(arrival)
                    self._members.add(arrival.id)
        return touched

    def _age_out(self, now: datetime) -> None:
        while self._recent and self._recent[0].at <= now - WINDOW:
            self._leave_recent(self._recent.popleft())

    def _leave_recent(self, arrival: Arrival) -> None:
        if arrival.id in self._members:
            self._members.discard(arrival.id)  # asked only here: forgotten once it leaves
        else:
            self._to_reference(arrival, self._clock())

    def _to_reference(self, arrival: Arrival, now: datetime | None) -> None:
        """Let the arrival's phrases count as usual; at most `REFERENCE_PER_MINUTE` a minute
        (`now` None: no limit, at start-up)."""
        if now is not None:
            minute = minute_of(now)
            if minute != self._reference_minute:
                self._reference_minute, self._reference_taken = minute, 0
            if self._reference_taken >= REFERENCE_PER_MINUTE:
                return
            self._reference_taken += 1
        said = arrival.said()
        self._reference.append((tuple(said.phrases), tuple(said.hashtags)))
        self._ref_phrases.update(said.phrases)
        self._ref_hashtags.update(said.hashtags)
        if len(self._reference) > REFERENCE_SIZE:
            old_phrases, old_hashtags = self._reference.popleft()
            self._ref_phrases.subtract(old_phrases)
            self._ref_hashtags.subtract(old_hashtags)

    # --- storms ------------------------------------------------------------------------------

    def _level(self, scope: str, now: datetime) -> Level:
        return self._counts.setdefault(scope, ScopeCounts()).level(now)

    def _maybe_start(self, scope: str, now: datetime) -> None:
        if scope in self._open:
            return
        if scope == SCOPE_ALL and any(s != SCOPE_ALL for s in self._open):
            return
        level = self._level(scope, now)
        if level.volume_spike:
            kind = StormKind.VOLUME
        elif level.anger_spike:
            kind = StormKind.ANGER
        else:
            return
        members = [a for a in self._recent if a.at > now - WINDOW and a.in_scope(scope)]
        account_id = int(scope.partition(":")[2]) if scope != SCOPE_ALL else None
        storm = OpenStorm(
            kind=kind,
            scope=scope,
            account_id=account_id,
            started_at=min((a.at for a in members), default=now),
            near=_text().NearDuplicates(),
        )
        storm.measure(level)
        storm.alerted_rate, storm.alerted_at = storm.rate, now
        storm.pending = members
        self._members.update(a.id for a in members)
        self._open[scope] = storm
        self._absorb(storm)
        self._alerts.append((storm, "started"))
        self._dirty.add(storm)
        log.info("storm started: %s %s, %.0f an hour", kind, scope, storm.rate)

    def _advance(self, storm: OpenStorm, now: datetime) -> None:
        """Take in the storm's new mentions, measure it again, and move its state on."""
        if storm.pending:
            self._absorb(storm)
            self._dirty.add(storm)
        level = self._level(storm.scope, now)
        before = (storm.state, round(storm.rate, 1))
        storm.measure(level)
        if storm.rate < END_RATIO * storm.usual:
            storm.state, storm.over_at = StormState.OVER, now
            del self._open[storm.scope]
            self._alerts.append((storm, "over"))
            self._closing.append(storm)
            log.info("storm over: %s %s", storm.kind, storm.scope)
        elif storm.rate >= GROW_RATIO * storm.alerted_rate:
            storm.state, storm.alerted_rate, storm.alerted_at = StormState.RISING, storm.rate, now
            self._alerts.append((storm, "grew"))
        elif (
            storm.state is StormState.RISING
            and storm.alerted_at is not None
            and now - storm.alerted_at >= WINDOW
        ):
            storm.state = StormState.ONGOING
        if (storm.state, round(storm.rate, 1)) != before:
            self._dirty.add(storm)

    def _absorb(self, storm: OpenStorm) -> None:
        risen = _text().risen
        arrivals, storm.pending = storm.pending, []
        self._read(arrivals)
        for arrival in arrivals:
            storm.count += 1
            storm.angry += int(arrival.angry)
            storm.networks[arrival.network] += 1
            storm.languages[arrival.language or "unknown"] += 1
            storm.last_at = max(storm.last_at or arrival.at, arrival.at)
            if storm.texts < MEMBER_TEXTS_CAP:
                storm.texts += 1
                said = arrival.said()
                storm.phrases.update(said.phrases)
                storm.hashtags.update(said.hashtags)
        # What rose is read again as the storm grows by a tenth: its Counters grow with it.
        if storm.texts >= storm.risen_read_at * RISEN_READ_AGAIN:
            storm.risen_read_at = storm.texts
            usual_total = len(self._reference)
            storm.risen_phrases = risen(
                storm.phrases, storm.texts, self._ref_phrases, usual_total, limit=PHRASES_SHOWN
            )
            storm.risen_hashtags = risen(
                storm.hashtags, storm.texts, self._ref_hashtags, usual_total, limit=PHRASES_SHOWN
            )
        for arrival in arrivals:
            storm.new_members.append((arrival.id, self._place(storm, arrival)))
            # A member never joins the usual phrases: its reading (four objects the cycle
            # collector would walk while it stays in the window) is not kept.
            arrival._said = None

    def _read(self, arrivals: Sequence[Arrival]) -> None:
        """Read what the arrivals say, many at once in the reading process once it has
        started (see `READ_IN_PROCESS_FROM`), else here, when each is asked: the process
        starts (about two seconds) while the first rounds are read here, so a storm's alert
        never waits for it."""
        unread = [a for a in arrivals if a._said is None]
        if not self._reading_process or not unread:
            return
        if self._readers is None and len(unread) < READ_IN_PROCESS_FROM:
            return  # a trickle: not worth a process yet
        read_texts = _text().read_texts
        try:
            if self._readers is None:
                self._readers = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=start_background_process,
                    initargs=(os.getpid(),),
                )
                self._readers_started = self._readers.submit(read_texts, [])
            if self._readers_started is None or not self._readers_started.done():
                return
            posts = [(a.body, a.language) for a in unread]
            said = self._readers.submit(read_texts, posts).result(READ_TIMEOUT_SECONDS)
        except Exception:
            log.warning("the storm reading process failed; reading in the server process")
            if self._readers is not None:
                self._readers.shutdown(wait=False, cancel_futures=True)
            self._readers = self._readers_started = None
            return
        for arrival, reading in zip(unread, said, strict=True):
            arrival._said = reading

    def _topic(self, storm: OpenStorm, said: MentionText) -> str | None:
        for tag in storm.risen_hashtags:
            if tag.text in said.hashtags:
                return tag.text
        for phrase in storm.risen_phrases:
            if phrase.text in said.phrases:
                return phrase.text
        return None

    def _new_group(
        self, storm: OpenStorm, kind: str, label: str, topic: str | None, sample: int
    ) -> int:
        group_id = storm.next_group
        storm.next_group += 1
        storm.new_groups.append(
            (group_id, kind, label[:200], topic[:200] if topic else None, sample)
        )
        return group_id

    def _place(self, storm: OpenStorm, arrival: Arrival) -> int:
        """The group the arrival joins (see the module's docstring)."""
        said = arrival.said()
        similar = storm.near.add(arrival.id, said)
        topic = self._topic(storm, said)
        if similar:
            first = similar[0]
            group_id = storm.group_of[first]
            if group_id == storm.other_group:
                # The first copy waited in "Other mentions": the two make a group of copies.
                group_id = self._new_group(
                    storm, "copies", topic or arrival.excerpt, None, arrival.id
                )
                storm.group_of[first] = group_id
                storm.moved.append((first, group_id))
            return group_id
        if topic is not None:
            group_id = storm.topic_groups.get(topic) or self._new_group(
                storm, "topic", topic, topic, arrival.id
            )
            storm.topic_groups[topic] = group_id
        else:
            if storm.other_group is None:
                storm.other_group = self._new_group(storm, "other", OTHER_LABEL, None, arrival.id)
            group_id = storm.other_group
        if said.shingles:
            storm.group_of[arrival.id] = group_id
        return group_id

    # --- writing -----------------------------------------------------------------------------

    def _write(self, now: datetime) -> None:
        self._written = time.monotonic()
        storms = list(self._dirty | {storm for storm, _ in self._alerts})
        if not storms:
            return
        try:
            with self._db.write() as session:
                if self._db.is_postgres:
                    session.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": STORM_LOCK_KEY}
                    )
                rows = {storm: self._write_storm(session, storm, now) for storm in storms}
                session.flush()
                for storm, alert in self._alerts:
                    row = rows[storm]
                    if row is None:
                        continue  # another process opened and announced this storm
                    public = storm_public(session, row)
                    record_event(
                        session,
                        EventType.STORM_ALERT,
                        {"storm": public.model_dump(mode="json"), "alert": alert},
                        at=now,
                        audience=MANAGERS,
                    )
                    if alert == "started":
                        queue_notice(session, Notice(ALERT_TITLE, storm_sentence(public)))
        except Exception:
            _log_failure("storm detector could not write its storms; it retries next round")
            return
        for storm in storms:
            storm.new_groups.clear()
            storm.new_members.clear()
            storm.moved.clear()
        self._alerts.clear()
        self._dirty.clear()
        self._closing.clear()

    def _write_storm(self, session: Session, storm: OpenStorm, now: datetime) -> Storm | None:
        """Write the storm's row, new groups and members; None when another process had opened
        this scope's storm first (it is taken over, unannounced)."""
        row = session.get(Storm, storm.id) if storm.id is not None else None
        announce = True
        if row is None:
            row = session.scalar(
                select(Storm).where(Storm.scope == storm.scope, Storm.state != StormState.OVER)
            )
            if row is not None:
                announce = False
            else:
                row = Storm(kind=storm.kind, scope=storm.scope, account_id=storm.account_id)
                row.started_at = storm.started_at
                session.add(row)
            session.flush()
            storm.id = row.id
        row.state = storm.state
        row.last_at = storm.last_at or storm.started_at
        row.over_at = storm.over_at
        row.updated_at = now
        row.rate_per_hour = storm.rate
        row.usual_per_hour = storm.usual
        row.alerted_rate = storm.alerted_rate
        row.alerted_at = storm.alerted_at or now
        row.count = storm.count
        row.angry = storm.angry
        row.phrases = [r.as_json() for r in storm.risen_phrases]
        row.hashtags = [r.as_json() for r in storm.risen_hashtags]
        row.networks = dict(storm.networks)
        row.languages = dict(storm.languages)
        self._insert_new(
            session,
            StormGroupRow.__table__,
            [
                {
                    "storm_id": row.id,
                    "group_id": group_id,
                    "kind": kind,
                    "label": label,
                    "topic": topic,
                    "sample_mention_id": sample,
                }
                for group_id, kind, label, topic, sample in storm.new_groups
            ],
        )
        self._insert_new(
            session,
            StormMention.__table__,
            [
                {"storm_id": row.id, "mention_id": mention_id, "group_id": group_id}
                for mention_id, group_id in storm.new_members
            ],
        )
        for mention_id, group_id in storm.moved:
            session.execute(
                update(StormMention)
                .where(StormMention.storm_id == row.id, StormMention.mention_id == mention_id)
                .values(group_id=group_id)
            )
        return row if announce else None

    def _insert_new(self, session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        dialect = postgresql if self._db.is_postgres else sqlite
        session.execute(dialect.insert(table).on_conflict_do_nothing(), rows)

    # --- start-up ----------------------------------------------------------------------------

    def _rebuild(self) -> None:
        now = self._clock()
        with self._db.read() as session:
            self._loaded_through = int(session.scalar(select(func.max(Mention.id))) or 0)
            self._rebuild_counts(session, now)
            self._rebuild_texts(session, now)
            self._rebuild_storms(session)
        with self._done:
            self._through = max(self._through, self._loaded_through)
            self._done.notify_all()

    def _rebuild_counts(self, session: Session, now: datetime) -> None:
        for account_id, first in session.execute(
            select(Mention.account_id, func.min(Mention.created_at)).group_by(Mention.account_id)
        ):
            hour = hour_of(first)
            self._counts.setdefault(SCOPE_ALL, ScopeCounts()).seen_since(hour)
            if account_id is not None:
                self._counts.setdefault(account_scope(account_id), ScopeCounts()).seen_since(hour)
        since = now - timedelta(weeks=HISTORY_WEEKS, hours=1)
        rows = session.execute(
            select(Mention.created_at, Mention.ingested_at, Mention.account_id, Mention.sentiment)
            .where(Mention.created_at >= since, Mention.id <= self._loaded_through)
            .execution_options(yield_per=5000)
        )
        for created_at, ingested_at, account_id, sentiment in rows:
            at, angry = min(created_at, ingested_at), is_angry(sentiment)
            self._counts.setdefault(SCOPE_ALL, ScopeCounts()).add(at, angry, now=now)
            if account_id is not None:
                scope = account_scope(account_id)
                self._counts.setdefault(scope, ScopeCounts()).add(at, angry, now=now)

    def _mentions(self, session: Session, query: Any) -> list[Arrival]:
        return [
            _arrival(
                mention_id=int(row.id),
                created_at=row.created_at,
                ingested_at=row.ingested_at,
                account_id=row.account_id,
                network=str(row.network),
                language=row.language,
                sentiment=row.sentiment,
                body=row.text,
            )
            for row in session.execute(query)
        ]

    _COLUMNS = (
        Mention.id,
        Mention.created_at,
        Mention.ingested_at,
        Mention.account_id,
        Mention.network,
        Mention.language,
        Mention.sentiment,
        Mention.text,
    )

    def _rebuild_texts(self, session: Session, now: datetime) -> None:
        in_storms = (
            select(StormMention.mention_id).join(Storm).where(Storm.state != StormState.OVER)
        )
        recent = self._mentions(
            session,
            select(*self._COLUMNS)
            .where(Mention.ingested_at > now - WINDOW, Mention.id <= self._loaded_through)
            .order_by(Mention.id.desc())
            .limit(RECENT_CAP),
        )
        self._recent.extend(sorted((a for a in recent if a.at > now - WINDOW), key=lambda a: a.id))
        usual = self._mentions(
            session,
            select(*self._COLUMNS)
            .where(Mention.ingested_at <= now - WINDOW, Mention.id.not_in(in_storms))
            .order_by(Mention.id.desc())
            .limit(REFERENCE_SIZE),
        )
        self._read(usual)
        for arrival in reversed(usual):
            self._to_reference(arrival, None)

    def _rebuild_storms(self, session: Session) -> None:
        rows = session.scalars(select(Storm).where(Storm.state != StormState.OVER)).all()
        if not rows:
            return  # no storm to take up: the text libraries load when a post is first read
        words = _text()
        for row in rows:
            storm = OpenStorm(
                kind=row.kind,
                scope=row.scope,
                account_id=row.account_id,
                started_at=row.started_at,
                near=words.NearDuplicates(),
                id=row.id,
                state=row.state,
                last_at=row.last_at,
                rate=row.rate_per_hour,
                usual=row.usual_per_hour,
                alerted_rate=row.alerted_rate,
                alerted_at=row.alerted_at,
                count=row.count,
                angry=row.angry,
                networks=Counter(row.networks),
                languages=Counter(row.languages),
                risen_phrases=[words.Risen(p["text"], p["count"], p["usual"]) for p in row.phrases],
                risen_hashtags=[
                    words.Risen(p["text"], p["count"], p["usual"]) for p in row.hashtags
                ],
            )
            groups = session.scalars(
                select(StormGroupRow).where(StormGroupRow.storm_id == row.id)
            ).all()
            for group in groups:
                storm.next_group = max(storm.next_group, group.group_id + 1)
                if group.kind == "topic" and group.topic is not None:
                    storm.topic_groups[group.topic] = group.group_id
                elif group.kind == "other":
                    storm.other_group = group.group_id
            placed = dict(
                session.execute(
                    select(StormMention.mention_id, StormMention.group_id).where(
                        StormMention.storm_id == row.id
                    )
                ).all()
            )
            self._members.update(a.id for a in self._recent if a.id in placed)
            members = self._mentions(
                session,
                select(*self._COLUMNS)
                .join(StormMention, StormMention.mention_id == Mention.id)
                .where(StormMention.storm_id == row.id)
                .order_by(Mention.id)
                .limit(MEMBER_TEXTS_CAP),
            )
            self._read(members)
            for member in members:
                storm.texts += 1
                said = member.said()
                storm.phrases.update(said.phrases)
                storm.hashtags.update(said.hashtags)
                if not storm.near.add(member.id, said) and said.shingles:
                    storm.group_of[member.id] = placed[member.id]
            # Mentions stored after the storm's last write (this process stopped) join it now.
            for arrival in self._recent:
                if arrival.in_scope(storm.scope) and arrival.id not in placed:
                    storm.pending.append(arrival)
                    self._members.add(arrival.id)
            self._open[row.scope] = storm


_CHECK = object()


def storm_sentence(storm: StormPublic) -> str:
    """The one sentence managers read in the notice: what, where, how much, about what."""
    where = f"on {storm.account}" if storm.account else "across all mentions"
    what = "angry mentions" if storm.kind is StormKind.ANGER else "mentions"
    about = [p.text for p in storm.hashtags[:3]] + [f"“{p.text}”" for p in storm.phrases[:3]]
    sentence = (
        f"A storm is {storm.state.value} {where}: {storm.rate_per_hour:.0f} {what} an hour "
        f"against a usual {storm.usual_per_hour:.0f}; {storm.count} so far"
    )
    return sentence + (f", about {', '.join(about)}." if about else ".")

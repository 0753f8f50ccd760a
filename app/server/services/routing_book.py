"""What ingest needs to route and time every new mention — every team's routing rules and
the clocks of the teams with response-time targets — read from the database at most once
every `FRESH_FOR` seconds per database, not in every ingest transaction (three queries that
cost more than storing a single mention).

A change made through this process (routing, targets, a rota, a team's time zone) forgets
the copy as it is made; other server processes sharing the database see it within
`FRESH_FOR`, and so may this one when an ingest read the copy again before the change's
commit.
Who gets a mention is never decided from the copy: that reads the team's locked routing row
and its people as they are (services/routing.py)."""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.server.services.response_targets import TeamClock, team_clocks
from app.server.services.routing import load_rules
from app.server.services.routing_rules import TeamRules

FRESH_FOR = 2.0  # seconds


@dataclass(frozen=True)
class RoutingBook:
    rules: list[TeamRules]
    clocks: dict[int, TeamClock]


_books: weakref.WeakKeyDictionary[Engine, tuple[float, RoutingBook]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def routing_book(session: Session) -> RoutingBook:
    """The teams' rules and clocks, as read at most `FRESH_FOR` seconds ago."""
    engine = _engine(session)
    now = time.monotonic()
    with _lock:
        held = _books.get(engine)
    if held is not None and now - held[0] < FRESH_FOR:
        return held[1]
    rules = load_rules(session)
    book = RoutingBook(rules, team_clocks(session, None))
    with _lock:
        _books[engine] = (now, book)
    return book


def forget_routing_book(session: Session) -> None:
    """A change of routing, targets, a rota or a team: read them again next time."""
    with _lock:
        _books.pop(_engine(session), None)

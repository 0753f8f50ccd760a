"""Watching the tone read mention texts, and where: each read is reported by the tone's audit
event (`sys.audit`, PEP 578), write transactions by the database engine's events — nothing of
ours is replaced."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event

from app.server.db import WRITE_OPTION, Database
from app.tone.priority import READ_AUDIT_EVENT


@dataclass
class TextReads:
    """Each text read while listening: its length, how many write transactions had begun by
    then, and whether the reading thread had one open."""

    lengths: list[int] = field(default_factory=list)
    writes_begun_then: list[int] = field(default_factory=list)
    in_write_transaction: list[bool] = field(default_factory=list)
    writes_begun: int = 0
    writing_threads: set[int] = field(default_factory=set)
    listening: bool = False

    def audit(self, name: str, args: tuple[Any, ...]) -> None:
        if name == READ_AUDIT_EVENT and self.listening:
            self.lengths.append(int(args[0]))
            self.writes_begun_then.append(self.writes_begun)
            self.in_write_transaction.append(threading.get_ident() in self.writing_threads)

    def begun(self, conn: Any) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            self.writes_begun += 1
            self.writing_threads.add(threading.get_ident())

    def ended(self, conn: Any) -> None:
        self.writing_threads.discard(threading.get_ident())


_READS = TextReads()
_hooked = False


@contextmanager
def text_reads(db: Database) -> Iterator[TextReads]:
    """Listen, on `db`, until the block ends."""
    global _hooked
    if not _hooked:  # an audit hook stays for the process: add it once, count on demand
        sys.addaudithook(_READS.audit)
        _hooked = True
    reads = _READS
    reads.lengths.clear()
    reads.writes_begun_then.clear()
    reads.in_write_transaction.clear()
    reads.writing_threads.clear()
    reads.writes_begun = 0
    listeners = (("begin", reads.begun), ("commit", reads.ended), ("rollback", reads.ended))
    for name, listener in listeners:
        event.listen(db.engine, name, listener)
    reads.listening = True
    try:
        yield reads
    finally:
        reads.listening = False
        for name, listener in listeners:
            event.remove(db.engine, name, listener)

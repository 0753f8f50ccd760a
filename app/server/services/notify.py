"""The outgoing notifier: after a transaction that opened a coverage gap commits, send a short
notice to the URLs in the settings (webhook, e-mail, chat — through `apprise`); a notice for
one person (an on-call page, services/on_call.py) goes to that person's own URLs instead.

Notices are queued on the session while the change is being made and handed to one worker
thread only after the commit, so a refused or rolled-back change sends nothing, and a slow or
failing notifier never delays or breaks the request (failures are logged)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import apprise
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.server.db import Database

log = logging.getLogger(__name__)

_PENDING = "responder_pending_notices"


@dataclass(frozen=True, slots=True)
class Notice:
    title: str
    body: str
    # Where it goes: empty for the URLs in the settings; else only these (a person's own).
    urls: tuple[str, ...] = ()
    # A link to this server (a path such as /ack/KEY) the notice ends with, after `link_label`,
    # when the server's public URL is set; else the notice ends with `without_link`.
    link_path: str | None = None
    link_label: str = ""
    without_link: str = ""


def queue_notice(session: Session, notice: Notice) -> None:
    """Send `notice` once this session's transaction commits (dropped on rollback)."""
    session.info.setdefault(_PENDING, []).append(notice)


class Notifier:
    """Sends notices to every configured apprise URL (or to a notice's own URLs) from one
    background thread."""

    def __init__(self, urls: Sequence[str], *, public_url: str | None = None) -> None:
        self._apprise = apprise.Apprise()
        self.public_url = public_url.rstrip("/") if public_url else None
        self.accepted: list[str] = []
        for url in urls:
            if self._apprise.add(url):
                self.accepted.append(url)
            else:
                # Never log the URL itself: it may carry a password or a webhook secret.
                log.warning("notifier: one configured URL was not understood and is ignored")
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="notifier")

    @property
    def enabled(self) -> bool:
        return bool(self.accepted)

    def send(self, notice: Notice) -> Future[bool]:
        return self._executor.submit(self._deliver, notice)

    def body_of(self, notice: Notice) -> str:
        """The text sent: the notice's body and, for a notice with a link, the link (or what
        to do without one)."""
        if notice.link_path is None:
            return notice.body
        if self.public_url is None:
            return f"{notice.body}\n\n{notice.without_link}"
        return f"{notice.body}\n\n{notice.link_label}{self.public_url}{notice.link_path}"

    def _deliver(self, notice: Notice) -> bool:
        targets = self._apprise
        if notice.urls:
            targets = apprise.Apprise()
            for url in notice.urls:
                if not targets.add(url):
                    log.warning("notifier: one of a person's URLs was not understood")
        elif not self.accepted:
            return False  # nothing configured: the notice has nowhere to go
        try:
            delivered = bool(targets.notify(body=self.body_of(notice), title=notice.title))
        except Exception:
            log.exception("notifier failed to send %r", notice.title)
            return False
        if not delivered:
            log.warning("notifier could not deliver %r to every target", notice.title)
        return delivered

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def install_notifier(db: Database, notifier: Notifier) -> Callable[[], None]:
    """Hand each committed transaction's queued notices to `notifier`; returns the function
    that uninstalls it again."""

    def after_commit(session: Session) -> None:
        for notice in session.info.pop(_PENDING, ()):
            try:
                notifier.send(notice)
            except Exception:  # e.g. the executor was shut down: never break the commit path
                log.exception("notifier could not queue %r", notice.title)

    def after_rollback(session: Session) -> None:
        session.info.pop(_PENDING, None)

    for maker in (db.write_sessions, db.read_sessions):
        sa_event.listen(maker, "after_commit", after_commit)
        sa_event.listen(maker, "after_rollback", after_rollback)

    def uninstall() -> None:
        for maker in (db.write_sessions, db.read_sessions):
            sa_event.remove(maker, "after_commit", after_commit)
            sa_event.remove(maker, "after_rollback", after_rollback)

    return uninstall

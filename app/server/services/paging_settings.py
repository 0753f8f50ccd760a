"""A person's paging settings: where on-call pages reach them (notifier URLs, read as apprise
reads them) and their quiet hours, in their time zone (else their first team's, else UTC).

The URLs are secrets (a webhook's token, an e-mail password): they are never logged, never
echoed in an error, and shown only masked — their scheme and host as apprise's privacy view
gives them, nothing of the path or the credentials. A masked URL sent back unchanged keeps the
stored one, so the console can change quiet hours without knowing the URLs."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import apprise
from sqlalchemy.orm import Session

from app.models.on_call_schemas import PagingPublic, PagingUpdate, QuietHours
from app.models.on_call_tables import PagingSettings
from app.models.tables import User
from app.server.errors import Invalid
from app.server.services.rota import format_hhmm, parse_hhmm
from app.server.services.teams import zone

DAY_MINUTES = 24 * 60


def masked(url: str) -> str:
    """The URL as the console shows it: `scheme://host/…` (apprise's privacy view of the host,
    so a token kept in the host — Telegram's — stays hidden too)."""
    plugin = apprise.Apprise.instantiate(url)
    shown = str(plugin.url(privacy=True)) if plugin is not None else url  # type: ignore[no-untyped-call]
    parts = urlsplit(shown)
    host = parts.netloc.rpartition("@")[2]
    more = "/…" if parts.path.strip("/") or parts.query else ""
    return f"{parts.scheme}://{host}{more}"


def understood(url: str) -> bool:
    return apprise.Apprise.instantiate(url) is not None


def settings_of(session: Session, user_id: int) -> PagingSettings | None:
    return session.get(PagingSettings, user_id)


def zone_of(user: User, settings: PagingSettings | None) -> str:
    """The person's zone: their own, else their first team's (by name), else UTC."""
    if settings is not None and settings.time_zone:
        return settings.time_zone
    teams = sorted(user.teams, key=lambda t: t.name)
    return teams[0].time_zone if teams else "UTC"


def in_quiet_hours(user: User, settings: PagingSettings | None, now: datetime) -> bool:
    """Is it the person's quiet time now? An end at or before the start runs past midnight
    (equal start and end: quiet all day)."""
    if settings is None or settings.quiet_start_minute is None:
        return False
    start, end = settings.quiet_start_minute, settings.quiet_end_minute or 0
    local = now.astimezone(ZoneInfo(zone_of(user, settings)))
    minute = local.hour * 60 + local.minute
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def paging_public(user: User, settings: PagingSettings | None, now: datetime) -> PagingPublic:
    quiet = None
    if settings is not None and settings.quiet_start_minute is not None:
        quiet = QuietHours(
            start=format_hhmm(settings.quiet_start_minute),
            end=format_hhmm(settings.quiet_end_minute or 0),
        )
    return PagingPublic(
        urls=[masked(u) for u in (settings.urls if settings is not None else [])],
        quiet_hours=quiet,
        time_zone=zone_of(user, settings),
        quiet_now=in_quiet_hours(user, settings, now),
    )


def read_paging(session: Session, user: User, now: datetime) -> PagingPublic:
    return paging_public(user, settings_of(session, user.id), now)


def _urls(request: PagingUpdate, stored: list[str]) -> list[str]:
    kept: dict[str, list[str]] = {}
    for stored_url in stored:
        kept.setdefault(masked(stored_url), []).append(stored_url)
    urls: list[str] = []
    for position, given in enumerate(request.urls, start=1):
        url = given.strip()
        if kept.get(url):
            urls.append(kept[url].pop(0))  # sent back as shown: the stored URL stays
        elif not url or not understood(url):
            # Never echo the URL: it may carry a password or a token.
            raise Invalid(
                f"Paging URL {position} is not one the notifier understands; use a form "
                "such as mailtos://user:password@example.com or json://host/path.",
                code="bad_url",
            )
        else:
            urls.append(url)
    return list(dict.fromkeys(urls))


def set_paging(
    session: Session, user: User, request: PagingUpdate, *, now: datetime
) -> PagingPublic:
    """Replace the person's paging settings (the URLs, the quiet hours, the zone)."""
    if request.time_zone:
        zone(request.time_zone)
    settings = settings_of(session, user.id)
    urls = _urls(request, settings.urls if settings is not None else [])
    if settings is None:
        settings = PagingSettings(user_id=user.id)
        session.add(settings)
    settings.urls = urls
    if request.quiet_hours is None:
        settings.quiet_start_minute = settings.quiet_end_minute = None
    else:
        settings.quiet_start_minute = parse_hhmm(request.quiet_hours.start)
        settings.quiet_end_minute = parse_hhmm(request.quiet_hours.end)
    settings.time_zone = request.time_zone or None
    settings.updated_at = now
    session.flush()
    return paging_public(user, settings, now)

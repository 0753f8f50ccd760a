"""Fitting what a network sends to the mention schema, so one odd item never stops an account's
ingest: every connector builds its mentions through `fit_mention`, which reads each field's
limit from `app.models.limits.MENTION_LIMITS` (the one source the schema reads too) and

- cuts text (handle, display name, post text) to its limit, marked with "…", and replaces
  what cannot be stored in it (half an emoji: a lone surrogate) with "�";
- reads a time without a zone as UTC, and forgets one that has no UTC equivalent;
- drops what a cut would make wrong instead of cutting it: an over-long or non-http(s) URL,
  an over-long language tag or thread key, a reply-to id that is no post id of the network;
- never changes the post's own id (it is how the post is found again and de-duplicated).

What still fails the schema (a post id the network should never have sent) becomes a
`Quarantined` item with the reason (`incoming_or_quarantined`): the server keeps it for an
admin and moves the account's cursor past it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from app.connectors.base import IncomingMention, Quarantined, Visibility
from app.connectors.text import clip, well_formed
from app.models.enums import Network
from app.models.external_ids import external_id_problem
from app.models.limits import MENTION_LIMITS
from app.models.schemas import Author, MentionCreate, follower_count


def fit_url(value: object, limit: int) -> str | None:
    """`value` when it is an http(s) URL of at most `limit` characters, else None (a URL cut
    short would point somewhere else)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > limit or any(ch.isspace() for ch in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return value


def _whole_or_none(value: object, limit: int) -> str | None:
    """A short code (language tag, thread key) whole, or None when it is empty or too long."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if value and len(value) <= limit else None


def _utc_or_none(value: datetime | None) -> datetime | None:
    """The time in UTC (one without a zone read as UTC), or None (unknown: "now") when it
    has no UTC equivalent."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None


def fit_mention(
    *,
    network: Network,
    external_id: str,
    handle: str,
    text: str,
    display_name: str = "",
    author_url: object = None,
    followers: object = None,
    url: object = None,
    created_at: datetime | None = None,
    language: object = None,
    in_reply_to_external_id: str | None = None,
    thread_key: object = None,
    visibility: Visibility | None = None,
    is_demo: bool = False,
) -> MentionCreate:
    """The mention with every field fitted to the schema (raises ValidationError only for what
    fitting cannot mend: the post's own id)."""
    limits = MENTION_LIMITS
    created_at = _utc_or_none(created_at)
    reply_to = _whole_or_none(in_reply_to_external_id, limits.external_id)
    if reply_to is not None and external_id_problem(network, reply_to, is_demo=is_demo):
        reply_to = None
    return MentionCreate(
        network=network,
        external_id=external_id,
        author=Author(
            handle=clip(well_formed(handle).strip() or "unknown", limits.handle),
            display_name=clip(well_formed(display_name).strip(), limits.display_name),
            url=fit_url(author_url, limits.author_url),
            followers=follower_count(followers),
        ),
        text=clip(well_formed(text), limits.text),
        url=fit_url(url, limits.url),
        created_at=created_at,
        language=_whole_or_none(language, limits.language),
        in_reply_to_external_id=reply_to,
        thread_key=_whole_or_none(thread_key, limits.thread_key),
        visibility=visibility,
        is_demo=is_demo,
    )


def unfit_reason(exc: ValidationError) -> str:
    """What was wrong with an item, as sentences an admin can read."""
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "the item"
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "The item does not fit the mention schema: " + "; ".join(parts)


def incoming_or_quarantined(
    network: Network,
    raw: Mapping[str, Any],
    build: Callable[[], MentionCreate],
    *,
    external_id: str,
    reply_ref: Mapping[str, str] | None = None,
    cursor: str | None = None,
) -> IncomingMention | Quarantined:
    """The mention `build` makes, or — when it still fails the schema — the item for the
    quarantine, with the reason and `raw` (the item as the network sent it)."""
    try:
        mention = build()
    except ValidationError as exc:
        return Quarantined(network, external_id, unfit_reason(exc), raw, cursor)
    return IncomingMention(mention=mention, reply_ref=dict(reply_ref or {}), cursor=cursor)

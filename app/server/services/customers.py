"""Customers: who wrote each mention, one customer per (network, handle) found or created as a
batch is stored (`customers_of`), a customer with everything the brand has had with them
(`customer_detail`), and linking two customers into one (`link_customers`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, text, update
from sqlalchemy.orm import Session

from app.models.customer_schemas import (
    CustomerIdentityPublic,
    CustomerLinked,
    CustomerPublic,
    handle_key,
)
from app.models.customer_tables import Customer, CustomerIdentity
from app.models.enums import EventType, HandoffStatus, Network
from app.models.note_tables import Note
from app.models.tables import Handoff, Mention, Reply, Team, UTCDateTime
from app.server.access import Viewer, parties_of
from app.server.auth import Principal
from app.server.errors import Invalid, NotFound
from app.server.event_log import record_event
from app.server.services.notes import note_publics
from app.server.views import handoff_public, mention_public, reply_public, users_by_id

# A customer's page shows this many of their newest mentions (and the replies, notes and
# handoffs of those).
HISTORY_MENTIONS = 200


AuthorKey = tuple[str, str]  # (network, handle_key)


def author_key(network: str | Network, handle: str) -> AuthorKey:
    return (str(network), handle_key(handle))


def customers_of(
    session: Session, authors: Iterable[tuple[str, str, str]], *, now: datetime
) -> dict[AuthorKey, int]:
    """The customer of each (network, handle, display name), by `author_key`; the ones never
    seen are created. In the caller's (ingest's) transaction, in at most three statements: one
    select of the known identities; for new ones, one insert of their customers and one of
    their identities. Two ingests that meet the same new handle at once agree: the second's
    identity insert finds the first's and its spare customer is deleted again."""
    wanted: dict[AuthorKey, tuple[str, str]] = {}
    for network, handle, display_name in authors:
        wanted.setdefault(author_key(network, handle), (handle, display_name))
    if not wanted:
        return {}
    found = _known(session, wanted)
    new = [key for key in wanted if key not in found]
    if not new:
        return found
    customer_ids = _insert_customers(session, len(new), now=now)
    rows = [
        {
            "handle_key": key[1],
            "network": key[0],
            "customer_id": customer_id,
            "handle": wanted[key][0],
            "display_name": wanted[key][1],
            "created_at": now,
        }
        for key, customer_id in zip(new, customer_ids, strict=True)
    ]
    stored = _insert_identities(session, rows)
    found.update(stored)
    lost = [key for key in new if key not in stored]
    if lost:  # another ingest stored these handles first: theirs stand, ours go
        found.update(_known(session, {key: wanted[key] for key in lost}))
        spare = [row["customer_id"] for row in rows if (row["network"], row["handle_key"]) in lost]
        session.execute(delete(Customer).where(Customer.id.in_(spare)))
    return found


def _known(session: Session, keys: Iterable[AuthorKey]) -> dict[AuthorKey, int]:
    wanted = set(keys)
    handles = json.dumps(sorted({handle for _network, handle in wanted}), ensure_ascii=False)
    rows = session.execute(_KNOWN[_dialect(session)], {"handles": handles})
    known = {(str(network), handle): int(cid) for network, handle, cid in rows}
    return {key: known[key] for key in wanted if key in known}


def _insert_customers(session: Session, count: int, *, now: datetime) -> list[int]:
    # One short statement whatever the count: customers are alike when made, so which id
    # goes to which handle does not matter.
    result = session.execute(_NEW_CUSTOMERS[_dialect(session)], {"count": count, "now": now})
    return [int(customer_id) for (customer_id,) in result.all()]


def _insert_identities(session: Session, rows: Sequence[dict[str, Any]]) -> dict[AuthorKey, int]:
    document = json.dumps(
        [
            [r["handle_key"], r["network"], r["customer_id"], r["handle"], r["display_name"]]
            for r in rows
        ],
        ensure_ascii=False,
    )
    now = rows[0]["created_at"]
    result = session.execute(_NEW_IDENTITIES[_dialect(session)], {"rows": document, "now": now})
    return {(str(network), handle): int(cid) for network, handle, cid in result.all()}


def _dialect(session: Session) -> str:
    return "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"


# The batch's handles, identities and the time travel as one JSON document each: short
# statements, the same for every batch (cached), nothing for the driver to expand per row.
_NOW = bindparam("now", type_=UTCDateTime())
_IDENTITY = "customer_identities"
_KNOWN = {
    "sqlite": text(
        f"SELECT network, handle_key, customer_id FROM {_IDENTITY} "
        "WHERE handle_key IN (SELECT value FROM json_each(:handles))"
    ),
    "postgresql": text(
        f"SELECT network, handle_key, customer_id FROM {_IDENTITY} "
        "WHERE handle_key IN (SELECT json_array_elements_text(CAST(:handles AS json)))"
    ),
}
_NEW_CUSTOMERS = {
    "sqlite": text(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
        "INSERT INTO customers (created_at) SELECT :now FROM n RETURNING id"
    ).bindparams(_NOW),
    "postgresql": text(
        "INSERT INTO customers (created_at) SELECT :now FROM generate_series(1, :count) "
        "RETURNING id"
    ).bindparams(_NOW),
}
_NEW_IDENTITIES = {
    "sqlite": text(
        f"INSERT INTO {_IDENTITY} "
        "(handle_key, network, customer_id, handle, display_name, created_at) "
        "SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, :now "
        "FROM json_each(:rows) WHERE true "
        "ON CONFLICT (handle_key, network) DO NOTHING "
        "RETURNING network, handle_key, customer_id"
    ).bindparams(_NOW),
    "postgresql": text(
        f"INSERT INTO {_IDENTITY} "
        "(handle_key, network, customer_id, handle, display_name, created_at) "
        "SELECT r ->> 0, r ->> 1, CAST(r ->> 2 AS bigint), r ->> 3, r ->> 4, :now "
        "FROM json_array_elements(CAST(:rows AS json)) AS r "
        "ON CONFLICT (handle_key, network) DO NOTHING "
        "RETURNING network, handle_key, customer_id"
    ).bindparams(_NOW),
}


# --- a customer's page -----------------------------------------------------------------------


def get_customer(session: Session, customer_id: int, *, for_update: bool = False) -> Customer:
    query = select(Customer).where(Customer.id == customer_id)
    if for_update:
        query = query.with_for_update()
    customer = session.scalar(query)
    if customer is None:
        raise NotFound(f"No customer with id {customer_id}.")
    return customer


def customer_detail(session: Session, customer_id: int, *, viewer: Viewer) -> CustomerPublic:
    """The customer, their identities and their newest mentions with the brand's replies,
    the notes and the handoffs still waiting, newest first. Handoff notes only for the
    handoff's parties and managers, as on a mention's page."""
    customer = get_customer(session, customer_id)
    identities = session.scalars(
        select(CustomerIdentity)
        .where(CustomerIdentity.customer_id == customer.id)
        .order_by(CustomerIdentity.created_at, CustomerIdentity.network)
    ).all()
    mentions = (
        session.scalars(
            select(Mention)
            .where(Mention.customer_id == customer.id)
            .order_by(Mention.created_at.desc(), Mention.id.desc())
            .limit(HISTORY_MENTIONS)
        )
        .unique()
        .all()
    )
    ids = [m.id for m in mentions]
    replies = (
        session.scalars(
            select(Reply).where(Reply.mention_id.in_(ids)).order_by(Reply.created_at.desc())
        ).all()
        if ids
        else []
    )
    handoffs = (
        session.scalars(
            select(Handoff)
            .where(Handoff.mention_id.in_(ids), Handoff.status == HandoffStatus.PENDING)
            .order_by(Handoff.created_at.desc())
        ).all()
        if ids
        else []
    )
    notes = (
        session.scalars(
            select(Note).where(Note.mention_id.in_(ids)).order_by(Note.created_at.desc())
        ).all()
        if ids
        else []
    )
    wanted: set[int] = {r.author_id for r in replies}
    for h in handoffs:
        wanted.update(i for i in (h.from_user_id, h.to_user_id, h.decided_by_id) if i is not None)
    users = users_by_id(session, wanted)
    team_ids = {h.to_team_id for h in handoffs if h.to_team_id is not None}
    teams = (
        {t.id: t for t in session.scalars(select(Team).where(Team.id.in_(team_ids)))}
        if team_ids
        else {}
    )
    return CustomerPublic(
        id=customer.id,
        display_name=_name_of(mentions, identities),
        identities=[_identity_public(i, mentions) for i in identities],
        language=next((m.language for m in mentions if m.language), None),
        reach=_reach(mentions),
        mentions=[mention_public(m) for m in mentions],
        replies=[reply_public(r, users[r.author_id]) for r in replies],
        notes=note_publics(session, notes),
        open_handoffs=[
            handoff_public(h, users, teams, for_party=parties_of(h).include(viewer))
            for h in handoffs
        ],
    )


def _name_of(mentions: Sequence[Mention], identities: Sequence[CustomerIdentity]) -> str:
    for mention in mentions:
        if mention.author_display_name:
            return mention.author_display_name
    for identity in identities:
        if identity.display_name:
            return identity.display_name
    return identities[0].handle if identities else ""


def _identity_public(
    identity: CustomerIdentity, mentions: Sequence[Mention]
) -> CustomerIdentityPublic:
    newest = next(
        (
            m
            for m in mentions
            if m.network == identity.network and handle_key(m.author_handle) == identity.handle_key
        ),
        None,
    )
    return CustomerIdentityPublic(
        network=identity.network,
        handle=newest.author_handle if newest is not None else identity.handle,
        display_name=(newest.author_display_name if newest is not None else "")
        or identity.display_name,
    )


def _reach(mentions: Sequence[Mention]) -> int | None:
    """Followers summed over identities, each as its newest mention that knows them said."""
    latest: dict[AuthorKey, int] = {}
    for mention in mentions:  # newest first
        if mention.author_followers is not None:
            latest.setdefault(
                author_key(mention.network, mention.author_handle), mention.author_followers
            )
    return sum(latest.values()) if latest else None


# --- linking ---------------------------------------------------------------------------------


def link_customers(
    session: Session, customer_id: int, other_id: int, *, by: Principal, now: datetime
) -> CustomerLinked:
    """Merge `other_id` into `customer_id`: the other's identities and mentions become this
    customer's and the other is no more (404 after). Linking a customer to itself is 422.
    Event `customer.linked` (to everyone)."""
    if customer_id == other_id:
        raise Invalid("A customer cannot be linked to themselves.", code="same_customer")
    first, second = sorted((customer_id, other_id))
    # Both rows locked in id order, so two links of the same pair cannot deadlock.
    get_customer(session, first, for_update=True)
    get_customer(session, second, for_update=True)
    session.execute(
        update(CustomerIdentity)
        .where(CustomerIdentity.customer_id == other_id)
        .values(customer_id=customer_id)
    )
    moved = session.execute(
        update(Mention).where(Mention.customer_id == other_id).values(customer_id=customer_id)
    )
    session.execute(delete(Customer).where(Customer.id == other_id))
    linked = CustomerLinked(
        customer_id=customer_id,
        merged_id=other_id,
        moved_mentions=int(getattr(moved, "rowcount", 0) or 0),
    )
    record_event(
        session,
        EventType.CUSTOMER_LINKED,
        linked.model_dump(mode="json"),
        at=now,
        actor_id=by.user_id,
    )
    return linked

"""Ingest tokens: which networks each may post mentions as through `POST /mentions`.

An ingest token posts `webhook` mentions only, unless an admin allowed it more networks when
creating it (`add-ingest-token NAME --network N`): a mention posted as `mastodon`, `bluesky` or
`x` is answered from the brand's real account on that network, so letting any token claim
those networks would let it pick the post a rep's reply goes to. Users with the admin role
keep full rights."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.enums import Network
from app.models.tables import ApiToken
from app.server.auth import INGEST_TOKEN, Principal, hash_token, issue_token
from app.server.errors import Forbidden

DEFAULT_NETWORKS = (Network.WEBHOOK,)


def create_ingest_token(session: Session, name: str, networks: Sequence[Network] = ()) -> str:
    """A new ingest token allowed `webhook` and `networks`; returns the token (shown once)."""
    token = issue_token(session, kind=INGEST_TOKEN, name=name, user_id=None)
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    assert row is not None  # just flushed by issue_token
    allowed = dict.fromkeys([*DEFAULT_NETWORKS, *networks])
    row.networks = [n.value for n in allowed]
    session.flush()
    return token


def allowed_networks(session: Session, token: str) -> frozenset[Network]:
    """The networks the ingest token `token` may post as (`webhook` when none were given)."""
    stored = session.scalar(
        select(ApiToken.networks).where(
            ApiToken.token_hash == hash_token(token), ApiToken.kind == INGEST_TOKEN
        )
    )
    allowed = set(DEFAULT_NETWORKS)
    for value in stored or []:
        try:
            allowed.add(Network(value))
        except ValueError:
            continue  # a network this version no longer knows
    return frozenset(allowed)


def check_ingest_networks(
    session: Session, principal: Principal, token: str, networks: Iterable[Network]
) -> None:
    """Refuse (403, with a sentence) when an ingest token posts as a network it may not."""
    if principal.kind != INGEST_TOKEN:
        return  # a user token here is an admin's (see `ingest_or_admin`): full rights
    allowed = allowed_networks(session, token)
    refused = sorted({n.value for n in networks} - {n.value for n in allowed})
    if refused:
        names = ", ".join(sorted(n.value for n in allowed))
        raise Forbidden(
            f"The ingest token {principal.name!r} may post mentions only as {names}, not as "
            f"{', '.join(refused)}: an admin allows more networks with "
            "`responder-server add-ingest-token NAME --network NETWORK`.",
            code="ingest_network",
        )

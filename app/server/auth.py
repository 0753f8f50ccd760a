"""Bearer tokens: random, shown once, stored as SHA-256; resolving a token to its principal."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models.enums import Role
from app.models.tables import ApiToken, User

USER_TOKEN = "user"
INGEST_TOKEN = "ingest"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a user (with role) or an ingest token (no user)."""

    kind: str
    name: str
    user_id: int | None = None
    role: Role | None = None

    @property
    def is_user(self) -> bool:
        return self.kind == USER_TOKEN and self.user_id is not None


def issue_token(session: Session, *, kind: str, name: str, user_id: int | None) -> str:
    """Create a token, store only its hash, return the token itself (shown once)."""
    token = new_token()
    session.add(ApiToken(token_hash=hash_token(token), kind=kind, name=name, user_id=user_id))
    session.flush()
    return token


def revoke_tokens(session: Session, user_id: int, *, now: datetime) -> int:
    """Revoke every live token of the user; returns how many. Other server processes stop
    accepting them when their cache entries expire (RESPONDER_TOKEN_CACHE_SECONDS)."""
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def lookup_token(session: Session, token_hash: str) -> Principal | None:
    row = session.execute(
        select(ApiToken.kind, ApiToken.name, User.id, User.name, User.role, User.active)
        .outerjoin(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    kind, token_name, user_id, user_name, role, active = row
    if kind == INGEST_TOKEN:
        return Principal(kind=INGEST_TOKEN, name=token_name)
    if user_id is None or not active:
        return None
    return Principal(kind=USER_TOKEN, name=user_name, user_id=user_id, role=role)


class TokenCache:
    """Remembers resolved tokens for a few seconds so hot paths skip the lookup query.
    A revoked token or changed role is seen after at most `ttl` seconds."""

    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._pinned: dict[str, Principal] = {}
        self._lock = threading.Lock()

    def pin(self, token_hash: str, principal: Principal) -> None:
        """A token that lives only in memory (solo mode)."""
        self._pinned[token_hash] = principal

    def pinned(self, token_hash: str) -> Principal | None:
        return self._pinned.get(token_hash)

    def get(self, token_hash: str) -> Principal | None:
        pinned = self._pinned.get(token_hash)
        if pinned is not None:
            return pinned
        entry = self._entries.get(token_hash)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, token_hash: str, principal: Principal) -> None:
        if self._ttl <= 0:
            return
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[token_hash] = (time.monotonic() + self._ttl, principal)

    def forget_user(self, user_id: int) -> None:
        """This process stops trusting the user's cached tokens at once (after a revocation
        or a role change made here; other processes wait out their `ttl`)."""
        with self._lock:
            for token_hash in [h for h, (_, p) in self._entries.items() if p.user_id == user_id]:
                del self._entries[token_hash]

    def forget_all(self) -> None:
        with self._lock:
            self._entries.clear()

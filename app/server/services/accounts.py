"""Brand accounts: the rules for creating, replacing, listing and removing them (for the
command line and the API), their ingest state, storing what an ingest worker received (the
mention and the account's cursor in one transaction), and `reply_route`: which account a reply
to a mention goes out as, or why none can (the reply route and the reply sender both ask it).

Every change of an account writes an `account.updated` event (audience: managers) in the same
transaction, with the account as the API shows it — never its secret."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.connectors.base import IncomingMention
from app.models.enums import EventType, Network
from app.models.networks import rules_for
from app.models.schemas import AccountPublic, AccountsPublic, IngestResult, ReplyVia
from app.models.tables import Account, Mention
from app.server.errors import Conflict, Invalid, NotFound
from app.server.event_log import MANAGERS, record_event
from app.server.secrets import secret_ref_for
from app.server.services.ingest import IngestPlan, plan_ingest, store_planned
from app.tone.priority import MentionReading

STATE_OK = "ok"
STATE_DEGRADED = "degraded"
STATE_ERROR = "error"


@dataclass(frozen=True)
class AccountConfig:
    """What a worker needs to run one account, read once (a plain value, no ORM session)."""

    id: int
    network: Network
    name: str
    base_url: str
    secret_ref: str
    cursor: str | None
    options: Mapping[str, Any]
    state: str
    updated_at: datetime

    @property
    def identity(self) -> tuple[object, ...]:
        """What, when changed, means the worker must be restarted with the new settings."""
        return (self.network, self.base_url, self.secret_ref, sorted(self.options.items()))

    @classmethod
    def of(cls, account: Account) -> AccountConfig:
        return cls(
            id=account.id,
            network=account.network,
            name=account.name,
            base_url=account.base_url,
            secret_ref=account.secret_ref,
            cursor=account.cursor,
            options=dict(account.settings or {}),
            state=account.state,
            updated_at=account.updated_at,
        )


def _last_ingest_at(session: Session, account_ids: Sequence[int]) -> dict[int, datetime]:
    if not account_ids:
        return {}
    rows = session.execute(
        select(Mention.account_id, func.max(Mention.ingested_at))
        .where(Mention.account_id.in_(account_ids))
        .group_by(Mention.account_id)
    ).all()
    result: dict[int, datetime] = {}
    for account_id, at in rows:
        if account_id is not None and at is not None:
            # max() keeps the column's type, so the value comes back as an aware UTC datetime.
            result[int(account_id)] = at
    return result


def account_public(account: Account, last_ingest_at: datetime | None = None) -> AccountPublic:
    return AccountPublic(
        id=account.id,
        network=account.network,
        name=account.name,
        base_url=account.base_url,
        secret_ref=account.secret_ref,
        enabled=account.enabled,
        state=account.state,
        error=account.error,
        error_at=account.error_at,
        cursor=account.cursor,
        last_ingest_at=last_ingest_at,
        created_at=account.created_at,
        updated_at=account.updated_at,
    )


def _record(session: Session, account: Account, now: datetime, *, removed: bool = False) -> None:
    session.flush()
    last = _last_ingest_at(session, [account.id]).get(account.id)
    payload: dict[str, Any] = {"account": account_public(account, last).model_dump(mode="json")}
    if removed:
        payload["removed"] = True
    record_event(session, EventType.ACCOUNT_UPDATED, payload, at=now, audience=MANAGERS)


def list_accounts(session: Session) -> AccountsPublic:
    accounts = list(session.scalars(select(Account).order_by(Account.id)))
    last = _last_ingest_at(session, [a.id for a in accounts])
    data = [account_public(a, last.get(a.id)) for a in accounts]
    return AccountsPublic(data=data, count=len(data))


def enabled_accounts(session: Session) -> list[AccountConfig]:
    """The accounts ingest workers should run (every enabled one that has a connector)."""
    rows = session.scalars(
        select(Account)
        .where(Account.enabled.is_(True), Account.network != Network.WEBHOOK)
        .order_by(Account.id)
    )
    return [AccountConfig.of(a) for a in rows]


# --- which account answers a mention -----------------------------------------------------------

REPLY_NOT_SUPPORTED = "reply_not_supported"
NO_BRAND_ACCOUNT = "no_brand_account"


@dataclass(frozen=True)
class ReplyRoute:
    """How a reply to one mention would go out: through `account`, or not at all — then
    `code` and `problem` (a sentence that says to answer on the site, with the link) say why
    and `site_url` is where to answer by hand."""

    account: Account | None
    code: str | None = None
    problem: str | None = None
    site_url: str | None = None

    @property
    def via(self) -> ReplyVia | None:
        account = self.account
        if account is None:
            return None
        return ReplyVia(account_id=account.id, account=account.name, network=account.network)


def reply_route(session: Session, mention: Mention, *, account_id: int | None = None) -> ReplyRoute:
    """The brand account a reply to `mention` goes out as: the account that received it (if
    it is still there and enabled), else — for a mention pushed in through the webhook — the
    one enabled account of its network. None for what no account can answer: feed posts and
    webhook-network mentions (answered on their site), a network with no enabled account or
    with several to choose from. `account_id`: the account a queued reply recorded (a reply
    keeps the account its mention had when it was queued)."""
    rules = rules_for(mention.network)
    where = (
        f" Open its link and answer it on the site instead: {mention.url}"
        if mention.url
        else " Answer it on the site where it was posted (it came without a link)."
    )

    def refused(code: str, why: str) -> ReplyRoute:
        return ReplyRoute(None, code, why + where, mention.url)

    if not rules.reply_in_place:
        return refused(
            REPLY_NOT_SUPPORTED,
            f"A {rules.display_name} mention cannot be answered from the console: no brand "
            "account posts there.",
        )
    chosen = mention.account_id or account_id
    if chosen is not None:
        account = session.get(Account, chosen)
        if account is not None:
            if account.enabled:
                return ReplyRoute(account)
            return refused(
                NO_BRAND_ACCOUNT,
                f"The brand account {account.name!r} that received this mention is switched "
                "off, so no reply can go out from it.",
            )
    candidates = session.scalars(
        select(Account)
        .where(Account.network == mention.network, Account.enabled.is_(True))
        .order_by(Account.id)
        .limit(2)
    ).all()
    if len(candidates) == 1:
        return ReplyRoute(candidates[0])
    if not candidates:
        return refused(
            NO_BRAND_ACCOUNT,
            f"No {rules.display_name} brand account is connected to this server, so there "
            "is no account to reply from.",
        )
    return refused(
        NO_BRAND_ACCOUNT,
        f"This mention did not come in through a brand account and several "
        f"{rules.display_name} accounts are connected: the server cannot tell which one "
        "should reply.",
    )


def account_config(session: Session, account_id: int) -> AccountConfig | None:
    account = session.get(Account, account_id)
    return AccountConfig.of(account) if account is not None else None


def create_account(
    session: Session,
    *,
    network: Network,
    name: str,
    base_url: str,
    secret_ref: str,
    options: Mapping[str, Any],
    now: datetime,
) -> Account:
    if network is Network.WEBHOOK:
        raise Invalid("Webhook mentions need no account: create an ingest token instead.")
    if session.scalar(select(Account.id).where(Account.name == name)) is not None:
        raise Conflict(f"There is already an account named {name!r}.", code="account_exists")
    account = Account(
        network=network,
        name=name,
        base_url=base_url,
        secret_ref=secret_ref,
        cursor=None,
        enabled=True,
        state=STATE_OK,
        error=None,
        settings=dict(options),
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(account)
    except IntegrityError as exc:
        raise Conflict(
            f"There is already an account named {name!r}.", code="account_exists"
        ) from exc
    _record(session, account, now)
    return account


def find_account(session: Session, name: str) -> Account:
    account = session.scalar(select(Account).where(Account.name == name))
    if account is None:
        raise NotFound(f"No account named {name!r}.")
    return account


def remove_account(session: Session, name: str, *, now: datetime) -> Account:
    """Delete the account row (its mentions stay, no longer linked to it)."""
    account = find_account(session, name)
    account.enabled = False
    _record(session, account, now, removed=True)
    session.delete(account)
    session.flush()
    return account


def find_account_or_none(session: Session, name: str) -> Account | None:
    return session.scalar(select(Account).where(Account.name == name))


def replace_account(
    session: Session,
    name: str,
    *,
    base_url: str,
    secret_ref: str,
    options: Mapping[str, Any],
    now: datetime,
) -> Account:
    """New settings or a new secret for an existing account; its error is cleared (the
    worker restarts and reports again) and its cursor kept."""
    account = find_account(session, name)
    account.base_url = base_url
    account.secret_ref = secret_ref
    account.settings = dict(options)
    account.enabled = True
    account.state = STATE_OK
    account.error = None
    account.updated_at = now
    _record(session, account, now)
    return account


def secret_ref_taken(session: Session, ref: str) -> bool:
    return session.scalar(select(Account.id).where(Account.secret_ref == ref)) is not None


def free_secret_ref(session: Session, name: str, *, stored: Callable[[str], bool]) -> str:
    """The reference under which the secret of the account `name` is kept: derived from the
    name, numbered when an account or a secret already `stored` uses it."""
    base = secret_ref_for(name)
    ref, n = base, 1
    while secret_ref_taken(session, ref) or stored(ref):
        n += 1
        ref = f"{base}_{n}"
    return ref


def set_account_state(
    session: Session, account_id: int, state: str, error: str | None, *, now: datetime
) -> bool:
    """Record the account's state; returns False when nothing changed (no event then).
    `degraded` never hides an `error`: only a success (`ok`) clears an error."""
    account = session.get(Account, account_id)
    if account is None:
        return False
    if state == STATE_DEGRADED and account.state == STATE_ERROR:
        return False
    if account.state == state and account.error == error:
        return False
    account.state = state
    account.error = error
    account.error_at = now if error is not None else account.error_at
    account.updated_at = now
    _record(session, account, now)
    return True


def plan_incoming(
    account_id: int,
    incoming: Sequence[IncomingMention],
    *,
    readings: Sequence[MentionReading],
    now: datetime,
) -> IngestPlan:
    """What an ingest worker received, ready to store (`store_incoming`): built before the write
    transaction from the mentions' texts read before it (`ingest.read_items`)."""
    return plan_ingest(
        [item.mention for item in incoming],
        readings=readings,
        now=now,
        account_id=account_id,
        raw_refs={item.external_id: dict(item.reply_ref) for item in incoming},
    )


def store_incoming(
    session: Session,
    account_id: int,
    plan: IngestPlan,
    cursor: str | None,
    *,
    now: datetime,
) -> IngestResult | None:
    """Store mentions an ingest worker received (`plan_incoming`) and move the account's cursor,
    in the caller's transaction (invariant 6: the cursor never runs ahead of what is stored).
    Returns None when the account is gone (removed while the worker ran): nothing is stored
    then."""
    account = session.scalar(select(Account).where(Account.id == account_id).with_for_update())
    if account is None:
        return None
    result = store_planned(session, plan, now=now, actor_id=None)
    if cursor is not None:
        account.cursor = cursor
    if account.state != STATE_OK:
        account.state = STATE_OK
        account.error = None
        account.updated_at = now
        _record(session, account, now)
    return result

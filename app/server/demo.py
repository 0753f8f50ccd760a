"""`serve --demo`: the demo source (app/connectors/demo.py) as a brand account named "demo".

The account is ingested by the same supervisor and worker as any other (so demo mentions carry
`is_demo`, the account's cursor survives a restart) and replies to demo mentions go through the
same reply sender, ending `sent` with a `demo.invalid` link — nothing leaves the machine."""

from __future__ import annotations

import logging

import anyio
from sqlalchemy import select

from app.connectors.demo import DemoConnector
from app.models.enums import Network
from app.models.tables import Account
from app.server.clock import Clock
from app.server.db import Database
from app.server.services.accounts import create_account

log = logging.getLogger(__name__)

DEMO_ACCOUNT = "demo"


def ensure_demo_account(db: Database, clock: Clock, *, interval: float | None = None) -> int:
    """Create (or re-enable) the demo account; returns its id."""
    with db.write() as session:
        account = session.scalar(select(Account).where(Account.network == Network.DEMO))
        if account is not None:
            if not account.enabled:
                account.enabled = True
                account.updated_at = clock()
            return account.id
        options: dict[str, object] = {}
        if interval is not None:
            options["interval"] = interval
        created = create_account(
            session,
            network=DemoConnector.network,
            name=DEMO_ACCOUNT,
            base_url="",
            secret_ref="",
            options=options,
            now=clock(),
        )
        return created.id


async def play_demo(db: Database, clock: Clock) -> None:
    """Make sure the demo account exists; the ingest supervisor plays it from there."""
    account_id = await anyio.to_thread.run_sync(ensure_demo_account, db, clock)
    log.info("--demo: demo mentions come from account %d (%r)", account_id, DEMO_ACCOUNT)

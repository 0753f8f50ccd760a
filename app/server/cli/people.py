"""The people commands of the server's command line: `revoke-tokens NAME` (every token of the
user stops working) and `deactivate-user NAME` (off duty, their work handed back, tokens
revoked; app/server/services/user_admin.py). Running server processes notice within
RESPONDER_TOKEN_CACHE_SECONDS; their open event streams close within seconds."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from app.models.enums import Role
from app.models.schemas import UserUpdate
from app.models.tables import User
from app.server.auth import USER_TOKEN, Principal
from app.server.clock import system_clock
from app.server.db import Database, DatabaseUrlError, open_database
from app.server.errors import DomainError
from app.server.migrate import is_at_head
from app.server.settings import Settings

NO_SUCH_USER = 2  # exit status for a name that names nobody
# Who acts from the command line: the operator, with an admin's rights and no user of their own.
OPERATOR = Principal(kind=USER_TOKEN, name="server", role=Role.ADMIN)


class PeopleError(Exception):
    """A problem the operator can fix: printed as a sentence, non-zero exit."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def _open(args: argparse.Namespace) -> Database:
    overrides: dict[str, Any] = {}
    if args.database_url:
        overrides["database_url"] = args.database_url
    try:
        db = open_database(Settings(**overrides).database_url)
    except DatabaseUrlError as exc:
        raise PeopleError(str(exc)) from exc
    if not is_at_head(db):
        db.dispose()
        raise PeopleError(
            "The database schema is missing or old: run `responder-server init` first."
        )
    return db


def _user_id(db: Database, name: str) -> int:
    with db.read() as session:
        user_id = session.scalar(select(User.id).where(User.name == name))
    if user_id is None:
        raise PeopleError(f"There is no user named {name!r}.", NO_SUCH_USER)
    return int(user_id)


def cmd_revoke_tokens(args: argparse.Namespace) -> int:
    from app.server.services.user_admin import revoke_user_tokens

    db = _open(args)
    try:
        user_id = _user_id(db, args.name)
        with db.write() as session:
            result = revoke_user_tokens(session, user_id, by=OPERATOR, now=system_clock())
    finally:
        db.dispose()
    tokens = "token" if result.revoked == 1 else "tokens"
    print(
        f"Revoked {result.revoked} {tokens} of {result.name!r}; running servers refuse them "
        "within seconds."
    )
    return 0


def cmd_deactivate_user(args: argparse.Namespace) -> int:
    from app.server.services.user_admin import update_user

    db = _open(args)
    try:
        user_id = _user_id(db, args.name)
        with db.write() as session:
            update_user(session, user_id, UserUpdate(active=False), by=None, now=system_clock())
    except DomainError as exc:
        raise PeopleError(exc.detail) from exc
    finally:
        db.dispose()
    print(
        f"Deactivated {args.name!r}: their tokens are revoked, their open mentions are back "
        "in the queue and handoffs waiting for them went back to their senders."
    )
    return 0


Command = Callable[[argparse.Namespace], int]


def _guarded(command: Command) -> Command:
    def run(args: argparse.Namespace) -> int:
        try:
            return int(command(args))
        except PeopleError as exc:
            print(f"responder-server: {exc}", file=sys.stderr)
            return exc.status

    return run


def add_people_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register revoke-tokens and deactivate-user on the server's command line."""
    p = sub.add_parser(
        "revoke-tokens", parents=[common], help="revoke every token of a user (by name)"
    )
    p.add_argument("name")
    p.set_defaults(func=_guarded(cmd_revoke_tokens))
    p = sub.add_parser(
        "deactivate-user",
        parents=[common],
        help="deactivate a user: tokens revoked, their open mentions back to the queue",
    )
    p.add_argument("name")
    p.set_defaults(func=_guarded(cmd_deactivate_user))

"""The brand-account and ingest commands of `responder-server`: add-account, list-accounts,
remove-account, add-ingest-token, list-quarantine, dismiss-quarantined. The rules they apply
live in app/server/services/ (accounts.py, ingest_tokens.py, quarantine.py).

The secret is read from standard input (`--secret-stdin`) or an environment variable
(`--secret-env VAR`), never from an argument, checked with `connector.verify()` (unless
`--no-verify`) and written to the secret store (app/server/secrets.py); the account row holds
only its `secret_ref`. A running server picks the change up within seconds (its supervisor
re-reads the accounts table and wakes on the `account.updated` event written here)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from app.models.enums import Network
from app.server.clock import system_clock
from app.server.errors import DomainError
from app.server.secrets import SecretStore, SecretStoreError, env_var_for

if TYPE_CHECKING:
    from app.connectors import AccountIdentity
    from app.server.db import Database
    from app.server.settings import Settings

# The account services and connectors are imported inside the commands: registering these
# commands must not slow down every other command of the server's CLI.

_NO_SECRET = {Network.FEED.value, Network.DEMO.value}
_NETWORKS = [n.value for n in Network if n is not Network.WEBHOOK]


def _fail(message: str) -> SystemExit:
    """A problem the operator can fix: said on stderr without a traceback, exit status 1 (as
    the CLI's CliError, which this module cannot import: the CLI's core imports it)."""
    print(f"responder-server: {message}", file=sys.stderr)
    return SystemExit(1)


def _context(args: argparse.Namespace) -> tuple[Settings, Database, SecretStore]:
    from app.server.db import DatabaseUrlError, open_database
    from app.server.migrate import is_at_head
    from app.server.secrets import secret_store_for
    from app.server.settings import Settings

    settings = Settings(database_url=args.database_url) if args.database_url else Settings()
    try:
        db = open_database(settings.database_url)
    except DatabaseUrlError as exc:
        raise _fail(str(exc)) from None
    try:
        at_head = is_at_head(db)
    except Exception as exc:
        db.dispose()
        raise _fail(f"cannot open the database: {exc}") from None
    if not at_head:
        db.dispose()
        raise _fail("the database schema is missing or old: run `responder-server init` first")
    store = secret_store_for(
        settings.database_url, settings.secrets_file, solo=bool(settings.solo_token)
    )
    return settings, db, store


def parse_options(pairs: list[str] | None) -> dict[str, Any]:
    """`key=value` pairs; numbers stay numbers (`poll_interval=5`)."""
    options: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise _fail(f"--option takes key=value, not {pair!r}")
        try:
            options[key.strip()] = json.loads(value)
        except ValueError:
            options[key.strip()] = value
    return options


def _read_secret(args: argparse.Namespace) -> str:
    if args.secret_stdin:
        secret = sys.stdin.readline() if sys.stdin.isatty() else sys.stdin.read()
        secret = secret.strip()
        if not secret:
            raise _fail("--secret-stdin: nothing was read from standard input")
        return secret
    if args.secret_env:
        secret = os.environ.get(args.secret_env, "").strip()
        if not secret:
            raise _fail(
                f"--secret-env: the environment variable {args.secret_env} is empty or unset"
            )
        return secret
    if args.network in _NO_SECRET:
        return ""
    raise _fail("give the account's secret with --secret-stdin or --secret-env VAR")


async def _verify(
    network: str, base_url: str, secret: str, options: dict[str, Any]
) -> AccountIdentity:
    from app.connectors import connector_for

    connector = connector_for(network, base_url, secret, options=options)
    try:
        return await connector.verify()
    finally:
        await connector.aclose()


def cmd_add_account(args: argparse.Namespace) -> int:
    from app.connectors import ConnectorError
    from app.server.services.accounts import (
        create_account,
        find_account_or_none,
        free_secret_ref,
        replace_account,
    )

    options = parse_options(args.option)
    secret = _read_secret(args)
    identity: AccountIdentity | None = None
    if not args.no_verify:
        try:
            identity = asyncio.run(_verify(args.network, args.base_url, secret, options))
        except ConnectorError as exc:
            # The connector's messages never contain the secret.
            raise _fail(f"the account could not be verified: {exc.message}") from None
    _settings, db, store = _context(args)
    old_ref: str | None = None
    try:
        with db.read() as session:
            ref = free_secret_ref(
                session, args.name, stored=lambda taken: bool(secret and store.resolve(taken))
            )
            existing = find_account_or_none(session, args.name)
        if existing is not None and not args.replace:
            raise _fail(
                f"there is already an account named {args.name!r} "
                "(add --replace to give it new settings or a new secret)"
            )
        if existing is not None and existing.network.value != args.network:
            raise _fail(f"the account {args.name!r} is a {existing.network.value} account")
        where = "none"
        if secret:
            try:
                where = store.put(ref, secret)
            except SecretStoreError as exc:
                raise _fail(str(exc)) from None
        try:
            with db.write() as session:
                if existing is not None:
                    # A new secret_ref restarts the worker with the new secret at once.
                    old_ref = existing.secret_ref
                    account = replace_account(
                        session,
                        args.name,
                        base_url=args.base_url or existing.base_url,
                        secret_ref=ref if secret else existing.secret_ref,
                        options=options or dict(existing.settings or {}),
                        now=system_clock(),
                    )
                else:
                    account = create_account(
                        session,
                        network=Network(args.network),
                        name=args.name,
                        base_url=args.base_url,
                        secret_ref=ref if secret else "",
                        options=options,
                        now=system_clock(),
                    )
                account_id = account.id
        except DomainError as exc:
            if secret:
                store.delete(ref)
            raise _fail(exc.detail) from None
    finally:
        db.dispose()
    if old_ref and secret and old_ref != ref:
        try:
            store.delete(old_ref)
        except SecretStoreError as exc:
            print(f"warning: {exc}", file=sys.stderr)
    who = f" as {identity.handle}" if identity is not None else " (not verified)"
    kept = {"file": f"in {store.path}", "keyring": "in the OS keyring", "none": "not needed"}[where]
    override = f" ({env_var_for(ref)} overrides it)" if secret else ""
    done = "Updated" if old_ref is not None else "Added"
    print(f"{done} {args.network} account {args.name!r}{who}; secret {kept}{override}.")
    print(account_id)
    return 0


def cmd_list_accounts(args: argparse.Namespace) -> int:
    from app.server.services.accounts import list_accounts

    _settings, db, _store = _context(args)
    try:
        with db.read() as session:
            accounts = list_accounts(session)
    finally:
        db.dispose()
    if args.json:
        print(accounts.model_dump_json(indent=2))
        return 0
    if not accounts.data:
        print("No brand accounts.")
        return 0
    for a in accounts.data:
        last = a.last_ingest_at.isoformat() if a.last_ingest_at else "-"
        error = f"  error: {a.error}" if a.error else ""
        print(
            f"{a.id}\t{a.network.value}\t{a.name}\t{a.state}\tcursor={a.cursor or '-'}"
            f"\tlast_ingest={last}\t{a.base_url}{error}"
        )
    return 0


def cmd_remove_account(args: argparse.Namespace) -> int:
    from app.server.services.accounts import find_account, remove_account

    _settings, db, store = _context(args)
    try:
        with db.write() as session:
            ref = find_account(session, args.name).secret_ref
            remove_account(session, args.name, now=system_clock())
    except DomainError as exc:
        raise _fail(exc.detail) from None
    finally:
        db.dispose()
    if ref:
        try:
            store.delete(ref)
        except SecretStoreError as exc:
            print(f"warning: {exc}", file=sys.stderr)
    print(f"Removed account {args.name!r}; its mentions stay.")
    return 0


def cmd_add_ingest_token(args: argparse.Namespace) -> int:
    from app.server.services.ingest_tokens import create_ingest_token

    networks = [Network(n) for n in args.network or []]
    _settings, db, _store = _context(args)
    try:
        with db.write() as session:
            token = create_ingest_token(session, args.name, networks)
    finally:
        db.dispose()
    allowed = ", ".join(dict.fromkeys([Network.WEBHOOK.value, *(n.value for n in networks)]))
    print(
        f"Created ingest token {args.name!r} (POST /api/v1/mentions only, as {allowed}). "
        "Shown once:"
    )
    print(token)
    return 0


def cmd_list_quarantine(args: argparse.Namespace) -> int:
    from app.server.services.quarantine import list_quarantine

    _settings, db, _store = _context(args)
    try:
        with db.read() as session:
            limit = max(1, min(args.limit, 10_000))
            items = list_quarantine(session, include_dismissed=args.all, limit=limit)
    finally:
        db.dispose()
    if args.json:
        print(items.model_dump_json(indent=2))
        return 0
    if not items.data:
        print("Nothing in quarantine.")
        return 0
    for item in items.data:
        dismissed = f"\tdismissed {item.dismissed_at.isoformat()}" if item.dismissed_at else ""
        print(
            f"{item.id}\t{item.received_at.isoformat()}\t{item.account or '-'}"
            f"\t{item.network.value}\t{item.external_id or '-'}\t{item.reason}{dismissed}"
        )
    if items.count > len(items.data):
        print(f"({items.count - len(items.data)} more: --limit N shows more)")
    return 0


def cmd_dismiss_quarantined(args: argparse.Namespace) -> int:
    from app.server.services.quarantine import dismiss

    _settings, db, _store = _context(args)
    try:
        with db.write() as session:
            dismiss(session, args.id, by=None, now=system_clock())
    except DomainError as exc:
        raise _fail(exc.detail) from None
    finally:
        db.dispose()
    print(f"Dismissed quarantined item {args.id}.")
    return 0


def add_account_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Register the account commands on the server's command line."""
    p = sub.add_parser(
        "add-account", parents=[common], help="a brand account to ingest from and reply as"
    )
    p.add_argument("network", choices=_NETWORKS)
    p.add_argument("--name", required=True, help="a unique name for the account")
    p.add_argument("--base-url", default="", help="the server / API / feed URL")
    secret = p.add_mutually_exclusive_group()
    secret.add_argument(
        "--secret-stdin", action="store_true", help="read the secret from standard input"
    )
    secret.add_argument("--secret-env", metavar="VAR", help="read the secret from $VAR")
    p.add_argument(
        "--option",
        action="append",
        metavar="KEY=VALUE",
        help="a connector setting (poll_interval, identifier, user_id, …), repeatable",
    )
    p.add_argument("--no-verify", action="store_true", help="do not check the credentials now")
    p.add_argument(
        "--replace",
        action="store_true",
        help="the account exists: give it this secret / URL / options and clear its error",
    )
    p.set_defaults(func=cmd_add_account)

    p = sub.add_parser("list-accounts", parents=[common], help="brand accounts and their state")
    p.add_argument("--json", action="store_true", help="as JSON (AccountsPublic)")
    p.set_defaults(func=cmd_list_accounts)

    p = sub.add_parser("remove-account", parents=[common], help="stop ingesting an account")
    p.add_argument("name")
    p.set_defaults(func=cmd_remove_account)

    p = sub.add_parser(
        "add-ingest-token", parents=[common], help="a token for webhook ingest (POST /mentions)"
    )
    p.add_argument("name")
    p.add_argument(
        "--network",
        action="append",
        choices=[n.value for n in Network if n is not Network.WEBHOOK],
        help="also allow posting mentions as this network (repeatable; default: webhook only)",
    )
    p.set_defaults(func=cmd_add_ingest_token)

    p = sub.add_parser(
        "list-quarantine", parents=[common], help="items ingest could not store, and why"
    )
    p.add_argument("--all", action="store_true", help="dismissed ones too")
    p.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    p.add_argument("--json", action="store_true", help="as JSON (QuarantinedItemsPublic)")
    p.set_defaults(func=cmd_list_quarantine)

    p = sub.add_parser(
        "dismiss-quarantined", parents=[common], help="mark a quarantined item as dealt with"
    )
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_dismiss_quarantined)

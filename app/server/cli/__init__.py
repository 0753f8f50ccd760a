"""The server's command line: init, add-user, add-team, add-ingest-token, serve, the
brand-account commands add-account, list-accounts, remove-account (`accounts`) and the people
commands revoke-tokens, deactivate-user (`people`); see DESIGN.md.

Every command takes --database-url (or RESPONDER_DATABASE_URL). Commands that create a token
print it alone on the last line of standard output."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from app.common.logs import configure_logging
from app.models.enums import Role
from app.models.schemas import UserCreate
from app.server.cli.accounts import add_account_commands
from app.server.cli.listen import (
    bind_listening_socket,
    exit_when_parent_leaves,
    write_port_file,
)
from app.server.cli.people import add_people_commands
from app.server.clock import system_clock
from app.server.db import Database, DatabaseUrlError, open_database
from app.server.migrate import is_at_head, upgrade_to_head
from app.server.settings import Settings


class CliError(Exception):
    """A problem the operator can fix; printed without a traceback, exit status 1."""


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if args.database_url:
        overrides["database_url"] = args.database_url
    return Settings(**overrides)  # type: ignore[arg-type]


def _open(settings: Settings) -> Database:
    try:
        return open_database(settings.database_url)
    except DatabaseUrlError as exc:
        raise CliError(str(exc)) from exc


def cmd_init(args: argparse.Namespace) -> int:
    from app.server.services.users import admin_exists, create_user

    db = _open(_settings(args))
    try:
        upgrade_to_head(db)
        with db.write() as session:
            if admin_exists(session):
                raise CliError("the database already has an admin; use add-user for more people")
            created = create_user(
                session, UserCreate(name=args.name, role=Role.ADMIN), by=None, now=system_clock()
            )
    finally:
        db.dispose()
    print(f"Schema is up to date. Created admin {created.name!r} (id {created.id}).")
    print("Their token (shown once, keep it safe):")
    print(created.token)
    return 0


def _require_schema(db: Database) -> None:
    if not is_at_head(db):
        raise CliError("the database schema is missing or old: run `responder-server init` first")


def cmd_add_user(args: argparse.Namespace) -> int:
    from app.server.errors import DomainError
    from app.server.services.users import create_user

    db = _open(_settings(args))
    try:
        _require_schema(db)
        request = UserCreate(name=args.name, role=Role(args.role), teams=args.team or [])
        with db.write() as session:
            created = create_user(session, request, by=None, now=system_clock())
    except DomainError as exc:
        raise CliError(exc.detail) from exc
    finally:
        db.dispose()
    print(f"Created {created.role.value} {created.name!r} (id {created.id}).")
    print("Their token (shown once):")
    print(created.token)
    return 0


def cmd_add_team(args: argparse.Namespace) -> int:
    from app.models.team_schemas import TeamCreate
    from app.server.errors import DomainError
    from app.server.services.teams import create_team

    db = _open(_settings(args))
    try:
        _require_schema(db)
        request = TeamCreate(
            name=args.name,
            description=args.description,
            time_zone=args.time_zone,
            escalate_after_minutes=args.escalate_after,
        )
        with db.write() as session:
            team = create_team(session, request, now=system_clock())
    except DomainError as exc:
        raise CliError(exc.detail) from exc
    except ValueError as exc:  # pydantic: a blank name, an out-of-range time
        raise CliError(str(exc)) from exc
    finally:
        db.dispose()
    print(
        f"Created team {team.name!r} (id {team.id}, {team.time_zone}, escalates after "
        f"{team.escalate_after_minutes} min)."
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    db = _open(_settings(args))
    try:
        upgrade_to_head(db)
    finally:
        db.dispose()
    print("Schema is up to date.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.server.app import create_app

    settings = _settings(args)
    if args.demo:
        settings = settings.model_copy(update={"demo": True})
    db = _open(settings)
    try:
        if args.migrate:
            upgrade_to_head(db)
        else:
            _require_schema(db)
    finally:
        db.dispose()
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=args.access_log,
        http="httptools",
        loop="uvloop" if sys.platform != "win32" else "asyncio",
        timeout_graceful_shutdown=3,
        limit_concurrency=args.limit_concurrency,
        backlog=4096,
    )
    server = uvicorn.Server(config)
    if args.exit_with_parent:

        def stop() -> None:
            server.should_exit = True  # uvicorn's own graceful shutdown, as on SIGTERM

        exit_when_parent_leaves(stop)
    if args.port_file is None:
        server.run()
        return 0
    # Bind first (port 0: the system picks a free one), then report the bound port: nothing
    # else can take it between the choice and the bind.
    sock = bind_listening_socket(args.host, args.port)
    write_port_file(args.port_file, sock.getsockname()[1])
    config.port = sock.getsockname()[1]
    server.run(sockets=[sock])
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=None,
        help="sqlite:///path or postgresql://user@host:port/db "
        "(default: RESPONDER_DATABASE_URL, else a SQLite file under the user data dir)",
    )
    parser = argparse.ArgumentParser(
        prog="responder-server", description="The Responder team server."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", parents=[common], help="create/migrate the schema, first admin")
    p.add_argument("--name", default="admin", help="the first admin's name (default: admin)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("add-user", parents=[common], help="create a user and print their token")
    p.add_argument("name")
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.REP.value)
    p.add_argument("--team", action="append", help="team or function (repeatable)")
    p.set_defaults(func=cmd_add_user)

    p = sub.add_parser("add-team", parents=[common], help="create a team or function")
    p.add_argument("name")
    p.add_argument("--description", default="")
    p.add_argument("--time-zone", default="UTC", help="IANA zone of its rota (default: UTC)")
    p.add_argument(
        "--escalate-after", type=int, default=15, help="minutes before a handoff escalates"
    )
    p.set_defaults(func=cmd_add_team)

    p = sub.add_parser("migrate", parents=[common], help="migrate the schema to the newest")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("serve", parents=[common], help="run the HTTP server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--migrate", action="store_true", help="migrate the schema first")
    p.add_argument("--demo", action="store_true", help="play the demo source as demo mentions")
    p.add_argument("--log-level", default=os.environ.get("RESPONDER_LOG_LEVEL", "info"))
    p.add_argument("--access-log", action="store_true", help="log every request")
    p.add_argument("--limit-concurrency", type=int, default=None)
    p.add_argument(
        "--port-file",
        type=Path,
        default=None,
        help="bind first (--port 0: any free port), then write the bound port to this file",
    )
    p.add_argument(
        "--exit-with-parent",
        action="store_true",
        help="stop when standard input ends (a pipe from the parent process: it has exited)",
    )
    p.set_defaults(func=cmd_serve)

    # add-account, list-accounts, remove-account, add-ingest-token, list-quarantine
    add_account_commands(sub, common)
    add_people_commands(sub, common)  # revoke-tokens, deactivate-user
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(logging.INFO)
    try:
        return int(args.func(args))
    except CliError as exc:
        print(f"responder-server: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130

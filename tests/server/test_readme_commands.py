"""Every `responder-server …` command line in README.md's shell blocks runs, for real, in the
order written, against a fresh SQLite database — so a README command that does not exist (or
makes no sense on a fresh server) fails here.

What is substituted, and nothing else: the database (`--database-url` and
`RESPONDER_DATABASE_URL` point at a temporary SQLite file), a secret read with `--secret-stdin`
(fed on standard input, as the README's `printf … |` does), a brand account's `--base-url`
(a real Mastodon-API server, mastodon-mock, that knows the secret) and `serve`'s host and port
(loopback and a free port: it is started, stopped as soon as `/api/v1/health` answers)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.connectors.helpers import BRAND_TOKEN, MastodonMock
from tests.server.helpers import poll
from tests.support.live_server import REPO_ROOT, free_port, last_line

pytestmark = pytest.mark.slow

README = REPO_ROOT / "README.md"
_SHELL_BLOCK = re.compile(r"^```(?:sh|bash|shell|console)\s*\n(.*?)^```", re.S | re.M)


def readme_commands(text: str) -> list[list[str]]:
    """The `responder-server` commands of the README's shell blocks, as argument lists (the
    program name dropped), in order: continuation lines joined, comments dropped, the command
    taken from the end of a pipeline (`printf %s "$TOKEN" | responder-server …`)."""
    commands: list[list[str]] = []
    for block in _SHELL_BLOCK.findall(text):
        for line in block.replace("\\\n", " ").splitlines():
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            tokens = list(lexer)
            segment: list[str] = []
            for token in [*tokens, "|"]:
                if token in ("|", "&&", ";"):
                    if segment and segment[0] == "responder-server":
                        commands.append(segment[1:])
                    segment = []
                else:
                    segment.append(token)
    return commands


def _option(args: list[str], name: str, value: str) -> list[str]:
    """`args` with the option `name` set to `value` (replaced where given, else added)."""
    out = list(args)
    for i, arg in enumerate(out):
        if arg == name and i + 1 < len(out):
            out[i + 1] = value
            return out
        if arg.startswith(f"{name}="):
            out[i] = f"{name}={value}"
            return out
    return [*out, name, value]


@pytest.fixture
def mastodon(tmp_path: Path) -> Iterator[MastodonMock]:
    workdir = tmp_path / "mastodon"
    workdir.mkdir()
    server = MastodonMock(workdir)
    server.start()
    yield server
    server.stop()


def test_the_readme_has_the_server_commands() -> None:
    commands = readme_commands(README.read_text())
    names = [args[0] for args in commands if args]
    assert names.count("init") == 1
    assert names.index("init") == 0, "a fresh server starts with init"
    for needed in ("add-user", "add-account", "serve"):
        assert needed in names


def test_the_parser_reads_pipelines_continuations_and_comments() -> None:
    text = (
        "```sh\n"
        'printf %s "$T" | responder-server add-account x --name "A b" \\\n'
        "    --secret-stdin   # a comment\n"
        "python main.py\n"
        "```\n"
        "`responder-server inline` is not a shell block\n"
    )
    assert readme_commands(text) == [["add-account", "x", "--name", "A b", "--secret-stdin"]]


def test_every_readme_command_runs_on_a_fresh_server(
    tmp_path: Path, mastodon: MastodonMock
) -> None:
    url = f"sqlite:///{tmp_path / 'readme.sqlite3'}"
    env = {
        **os.environ,
        "RESPONDER_DATABASE_URL": url,
        "RESPONDER_SECRETS_FILE": str(tmp_path / "secrets.json"),
        "RESPONDER_LOG_LEVEL": "warning",
    }
    commands = readme_commands(README.read_text())
    assert commands
    for args in commands:
        if "--database-url" in args:
            args = _option(args, "--database-url", url)
        stdin = ""
        if "--secret-stdin" in args:
            stdin = BRAND_TOKEN
        if args[0] == "add-account" and "--base-url" in args:
            network = args[1]
            assert network == "mastodon", f"teach this test a fake {network} server: {args}"
            args = _option(args, "--base-url", mastodon.base_url)
        command = [sys.executable, "-m", "app.server.cli", *args]
        if args[0] == "serve":
            _serve(command, env, tmp_path)
            continue
        done = subprocess.run(
            command,
            cwd=REPO_ROOT,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        shown = shlex.join(["responder-server", *args])
        assert done.returncode == 0, f"`{shown}` failed:\n{done.stdout}\n{done.stderr}"
        if args[0] in ("init", "add-user", "add-ingest-token"):
            token = last_line(done.stdout)
            assert re.fullmatch(r"\S{20,}", token), f"`{shown}` did not end with a token"


def _serve(command: list[str], env: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    command = _option(_option(command, "--host", "127.0.0.1"), "--port", str(port))
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:

        def healthy() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"`serve` exited:\n{log.read_text(errors='replace')}")
            try:
                return httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).is_success
            except httpx.TransportError:
                return False

        # A foreign process: poll its port within a deadline.
        poll(healthy, within=60, what="`serve` answering /api/v1/health")
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)

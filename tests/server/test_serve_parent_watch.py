"""`responder-server serve --exit-with-parent`: the server reads a pipe on its standard input
and stops — gracefully, exit 0 — when the pipe ends, i.e. when the process holding its other end
(the solo console) has exited, however it exited."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.xdesktop import poll


def serve(tmp_path: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.server.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--port-file",
            str(tmp_path / "port"),
            "--database-url",
            f"sqlite:///{tmp_path / 'server.sqlite3'}",
            "--migrate",
            *extra,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_the_server_stops_when_its_parent_pipe_ends(tmp_path: Path) -> None:
    server = serve(tmp_path, "--exit-with-parent")
    try:
        poll((tmp_path / "port").exists, 60, "the server to listen")
        assert server.poll() is None
        assert server.stdin is not None
        server.stdin.close()  # what the system does when the parent ends
        assert server.wait(timeout=15) == 0
        assert server.stderr is not None
        assert b"Finished server process" in server.stderr.read()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_without_the_option_standard_input_is_not_watched(tmp_path: Path) -> None:
    """A team server started from a shell or a service manager ignores its standard input."""
    server = serve(tmp_path)
    try:
        poll((tmp_path / "port").exists, 60, "the server to listen")
        assert server.stdin is not None
        server.stdin.close()
        # Still serving: a request made after the pipe ended is answered.
        port = int((tmp_path / "port").read_text())
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=10).status_code == 200
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=15)

"""The serve command as a console's child: its listening socket when the parent must learn the
port (bound before it is reported — port 0 lets the system choose — and the port written to a file
only its user can read; the solo console reads it there), and the watch that ends the server when
its parent is gone."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path


def bind_listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(4096)
    except OSError:
        sock.close()
        raise
    return sock


def write_port_file(path: Path, port: int) -> None:
    """Write `port` atomically (a reader sees no file or the whole number), 0600 from the first
    byte."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, f"{port}\n".encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def exit_when_parent_leaves(stop: Callable[[], None], fd: int = 0) -> threading.Thread:
    """Call `stop` once the pipe on `fd` (standard input) reaches its end: the parent that holds
    its other end has exited — normally or killed, the system closes it either way. The solo
    console starts its private server so; it never writes to the pipe."""

    def watch() -> None:
        try:
            while os.read(fd, 4096):
                pass
        except OSError:
            pass
        stop()

    thread = threading.Thread(target=watch, name="parent-watch", daemon=True)
    thread.start()
    return thread

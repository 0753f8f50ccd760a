"""One console per user and data folder: the first launch holds `console.lock` in the data folder
and listens for the next ones; a later launch asks it to bring its window to the front and exits
(0 when it did). A screenshot run does not share: it needs its own data folder."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from app.client.private_files import private_dir
from app.common.file_lock import FileLock
from app.desktop.options import Options
from app.ui.qt.single_instance import (
    InstanceListener,
    ask_running_console_to_raise,
    instance_name,
)

ALREADY_RUNNING = (
    "Responder Console is already running for you on this computer; its window was brought "
    "to the front."
)
NOT_ANSWERING = (
    "Responder Console is already running for you on this computer but did not answer; "
    "close it (or end its process), then start it again."
)
SCREENSHOT_NEEDS_ITS_OWN_DATA = (
    "Responder Console is already running on this data folder; a screenshot run needs its own "
    "(--data-dir DIR --config-dir DIR), or close the console first."
)


@dataclass
class Instance:
    """The running console's hold: the lock and the listener (kept until it exits)."""

    lock: FileLock
    listener: InstanceListener

    def release(self) -> None:
        self.listener.close()
        self.lock.release()


def claim_instance(options: Options) -> Instance | int:
    """This launch's Instance when it is the first; else the exit status after handing over
    to the running console (said on standard output or error)."""
    private_dir(options.data_dir)
    lock = FileLock(options.data_dir / "console.lock")
    name = instance_name(options.data_dir)
    if lock.try_acquire():
        return Instance(lock, InstanceListener(name))
    if options.screenshot is not None:
        print(SCREENSHOT_NEEDS_ITS_OWN_DATA, file=sys.stderr)
        return 1
    if ask_running_console_to_raise(name):
        print(ALREADY_RUNNING)
        return 0
    print(NOT_ANSWERING, file=sys.stderr)
    return 1

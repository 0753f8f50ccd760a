"""Where the composer is with the shown mention's reply: what the panel shows and which of the
rep's actions apply (app/client/composer/presenter.py moves it)."""

from __future__ import annotations

from enum import StrEnum


class ComposerState(StrEnum):
    NO_MENTION = "no_mention"
    WRITING = "writing"
    COUNTING = "counting"  # sent: the cool-off runs (edit, cancel, send now)
    POSTING = "posting"  # the server has it; waiting for the network to confirm
    CONFLICT = "conflict"  # a colleague replied or took it meanwhile
    FAILED = "failed"

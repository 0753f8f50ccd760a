"""How long each field of a mention may be: the one source of these limits. The wire schema
(`schemas.MentionCreate`), the `mentions` table's columns and every connector (which fits what
a network sends to them, app/connectors/fitting.py) read them from here."""

from __future__ import annotations

from dataclasses import dataclass

EXTERNAL_ID_MAX = 200
"""The longest post id (`mentions.external_id`)."""


@dataclass(frozen=True)
class MentionLimits:
    handle: int = 200
    display_name: int = 200
    author_url: int = 500
    external_id: int = EXTERNAL_ID_MAX
    text: int = 20_000
    url: int = 1000
    language: int = 16
    thread_key: int = 200


MENTION_LIMITS = MentionLimits()

"""Tone check and priority scoring: pure functions, no I/O.

`check_reply(draft, mention=..., network=...)` returns a `ToneReport` of `Finding`s for the
composer; `score_mention(text, followers=..., waiting=...)` returns the `PriorityScore` the server
stores at ingest. `python -m app.tone` runs the check from a shell.
"""

from app.models.networks import ReplyLength, reply_length
from app.tone.authority import NO_AUTHORITY, Authority
from app.tone.brand import DEFAULT_BRAND, BrandProfile
from app.tone.check import check_reply
from app.tone.findings import Finding, FindingCode, FindingSeverity, MentionKind, ToneReport
from app.tone.mention import classify_mention, is_hostile_mention
from app.tone.priority import PriorityScore, score_mention

__all__ = [
    "DEFAULT_BRAND",
    "NO_AUTHORITY",
    "Authority",
    "BrandProfile",
    "Finding",
    "FindingCode",
    "FindingSeverity",
    "MentionKind",
    "PriorityScore",
    "ReplyLength",
    "ToneReport",
    "check_reply",
    "classify_mention",
    "is_hostile_mention",
    "reply_length",
    "score_mention",
]

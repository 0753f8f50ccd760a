"""The tone check's vocabulary: finding codes, severities, mention kinds, findings, report."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.models.enums import Network


class FindingCode(StrEnum):
    HEAT = "heat"
    BLAME = "blame"
    NO_ACKNOWLEDGE = "no_acknowledge"
    NO_APOLOGY = "no_apology"
    NO_ACTION = "no_action"
    NO_OFFLINE_OFFER = "no_offline_offer"
    PRIVATE_DATA = "private_data"
    OVER_AUTHORITY = "over_authority"
    TOO_LONG = "too_long"


class FindingSeverity(StrEnum):
    """How hard the composer should push: `critical` findings should be fixed before sending."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class MentionKind(StrEnum):
    """What the customer's mention is; the three A's and the offline offer apply to complaints."""

    COMPLAINT = "complaint"
    PRAISE = "praise"
    QUESTION = "question"
    NEUTRAL = "neutral"


# Codes that put the composer into its "take a breath" state (longer cool-off, no "send now").
BREATH_CODES = frozenset({FindingCode.HEAT, FindingCode.BLAME})


@dataclass(frozen=True, slots=True)
class Finding:
    """One prompt for the rep: what is wrong, where, and a sentence that would help."""

    code: FindingCode
    message: str
    severity: FindingSeverity
    suggestion: str
    start: int | None = None  # span in the draft, as Python string indices; None when absent
    end: int | None = None
    evidence: str = ""  # the matched text, so a dismissal can survive edits that shift the span

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code.value,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "suggestion": self.suggestion,
            "severity": self.severity.value,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class ToneReport:
    """Everything the composer shows for one draft."""

    findings: tuple[Finding, ...]
    length: int  # as the network counts it
    limit: int | None  # None when the network has no length limit (feeds, webhooks)
    network: Network
    mention_kind: MentionKind | None  # None when no mention was given
    sentiment: float  # the draft's VADER compound, -1 to +1
    mention_hostile: bool = False  # the customer is angry: the composer lengthens the cool-off

    @property
    def take_a_breath(self) -> bool:
        return any(f.code in BREATH_CODES for f in self.findings)

    @property
    def codes(self) -> frozenset[FindingCode]:
        return frozenset(f.code for f in self.findings)

    def by_code(self, code: FindingCode) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.code == code)

    def to_dict(self) -> dict[str, object]:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "length": self.length,
            "limit": self.limit,
            "network": self.network.value,
            "mention_kind": self.mention_kind.value if self.mention_kind else None,
            "take_a_breath": self.take_a_breath,
        }

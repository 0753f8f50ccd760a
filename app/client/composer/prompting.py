"""What the composer makes of the tone check: the check itself (loaded on first use), the
prompts the rep dismissed (kept while the text moves around them), which findings call for a
breath, and the sentence a suggestion puts into the reply.

The tone checker costs ~1 s to import, so it is imported inside the functions that need it:
the console paints first and loads it when the composer first checks a reply."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.models.enums import Network
    from app.tone import Finding, FindingCode, ToneReport

# What "Add a DM / email offer" adds when the check has no offer of its own to suggest.
DEFAULT_OFFLINE_OFFER = "Could you send us a DM so we can sort this out?"

_QUOTED = re.compile(r'"([^"]{8,})"|“([^”]{8,})”')


def check_reply(
    text: str, *, mention: str | None, network: Network, handle: str | None = None
) -> ToneReport:
    """The tone check of a reply to `mention` on `network`, its length counted as the network
    will receive it (with the customer's `handle` in front where the sender puts it)."""
    from app.tone import check_reply as check

    return check(text, mention=mention, network=network, handle=handle)


def breathes(finding: Finding) -> bool:
    """Heat or blame: a finding that puts the composer into its "take a breath" state."""
    from app.tone.findings import BREATH_CODES

    return finding.code in BREATH_CODES


def is_critical(finding: Finding) -> bool:
    """A finding to fix before sending (the others are worth considering)."""
    from app.tone import FindingSeverity

    return finding.severity is FindingSeverity.CRITICAL


def insertable(finding: Finding) -> str | None:
    """The sentence "Use suggestion" puts into the reply: the example a suggestion quotes, or
    a missing part's whole suggestion (an apology, an offer); None for advice only."""
    quoted = _QUOTED.search(finding.suggestion)
    if quoted:
        return quoted.group(1) or quoted.group(2)
    if finding.start is None and finding.suggestion:
        return finding.suggestion
    return None


def offline_offer(report: ToneReport | None) -> str:
    """The sentence offering to continue by DM, email or phone: the check's own suggestion
    when it has one for this reply."""
    from app.tone import FindingCode

    offer = report.by_code(FindingCode.NO_OFFLINE_OFFER) if report else ()
    sentence = insertable(offer[0]) if offer else None
    return sentence or DEFAULT_OFFLINE_OFFER


@dataclass(frozen=True, slots=True)
class ToneCheck:
    """One check of the reply: the report (None without a mention) and the findings the rep
    has not dismissed, which the panel shows as prompts."""

    report: ToneReport | None
    findings: list[Finding]

    @property
    def take_a_breath(self) -> bool:
        return any(breathes(f) for f in self.findings)


@dataclass(frozen=True, slots=True)
class Dismissal:
    code: FindingCode
    evidence: str
    reason: str


@dataclass
class PromptDismissals:
    """What the rep dismissed on this draft, keyed by the finding's code and the words it
    points at (not the span: typing before it shifts every index)."""

    items: list[Dismissal] = field(default_factory=list)

    def dismiss(self, findings: Sequence[Finding], reason: str) -> list[Dismissal]:
        made = [Dismissal(f.code, f.evidence, reason) for f in findings]
        self.items.extend(made)
        return made

    def hides(self, finding: Finding) -> bool:
        return any(d.code == finding.code and d.evidence == finding.evidence for d in self.items)

    def visible(self, findings: tuple[Finding, ...]) -> list[Finding]:
        return [f for f in findings if not self.hides(f)]

    def clear(self) -> None:
        self.items.clear()

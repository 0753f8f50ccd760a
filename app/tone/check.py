"""The tone check: read a draft reply (and the customer's mention) and return prompts for the rep.

Pure function, no I/O; the composer calls it as the rep types, `python -m app.tone` from a shell.
"""

from __future__ import annotations

import re
from collections.abc import Set

from app.models.enums import Network
from app.models.networks import reply_length, rules_for
from app.tone.authority import NO_AUTHORITY, Authority, find_promises
from app.tone.brand import DEFAULT_BRAND, BrandProfile
from app.tone.courtesy import read_courtesy
from app.tone.findings import (
    BREATH_CODES,
    Finding,
    FindingCode,
    FindingSeverity,
    MentionKind,
    ToneReport,
)
from app.tone.heat import HeatKind, find_heat, scan_wording
from app.tone.mention import classify_mention, is_hostile_mention
from app.tone.private_data import find_private_data, offers_brand_contact
from app.tone.sentiment import sentiment
from app.tone.suggestions import guess_language, suggestion

HEAT_MESSAGES: dict[HeatKind, str] = {
    HeatKind.SHOUTING: "Capitals read as shouting.",
    HeatKind.EXCLAMATION: "Exclamation marks in a tense reply read as angry.",
    HeatKind.INSULT: "This insults the customer.",
    HeatKind.PROFANITY: "Profanity in a reply from the brand.",
    HeatKind.SARCASM: "This reads as sarcastic.",
    HeatKind.DEFENSIVE: "This sounds defensive: disarm instead of arguing.",
    HeatKind.HOSTILE: "This wording sounds hostile.",
    HeatKind.MOCKING: "Laughing at a complaint reads as mocking.",
}
BLAME_MESSAGE = "This lectures or blames the customer."
MISSING_MESSAGES: dict[FindingCode, str] = {
    FindingCode.NO_ACKNOWLEDGE: "The customer is unhappy: acknowledge what went wrong.",
    FindingCode.NO_APOLOGY: (
        "No apology for their trouble (you can apologise without taking the blame)."
    ),
    FindingCode.NO_ACTION: "Say what you will do next.",
    FindingCode.NO_OFFLINE_OFFER: "Offer to continue one-on-one: DM, email or phone.",
}
# Critical findings are worth fixing before sending; the three A's and the offline offer are
# advice, since a good reply may put them in a follow-up DM.
SEVERITY: dict[FindingCode, FindingSeverity] = {
    FindingCode.HEAT: FindingSeverity.CRITICAL,
    FindingCode.BLAME: FindingSeverity.CRITICAL,
    FindingCode.PRIVATE_DATA: FindingSeverity.CRITICAL,
    FindingCode.OVER_AUTHORITY: FindingSeverity.CRITICAL,
    FindingCode.TOO_LONG: FindingSeverity.CRITICAL,
    FindingCode.NO_ACKNOWLEDGE: FindingSeverity.WARNING,
    FindingCode.NO_APOLOGY: FindingSeverity.WARNING,
    FindingCode.NO_ACTION: FindingSeverity.WARNING,
    FindingCode.NO_OFFLINE_OFFER: FindingSeverity.INFO,
}
AUTHORITY_MESSAGES: dict[Authority, str] = {
    Authority.REFUND: "Promises a refund, which is beyond your authority.",
    Authority.COMPENSATION: "Promises compensation, which is beyond your authority.",
    Authority.GUARANTEE: "Gives a guarantee the brand may not be able to keep.",
    Authority.LIABILITY: "Admits liability: apologise for their frustration instead.",
}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SEVERITY_RANK = {FindingSeverity.CRITICAL: 0, FindingSeverity.WARNING: 1, FindingSeverity.INFO: 2}


def _at(
    draft: str, code: FindingCode, message: str, language: str, start: int, end: int
) -> Finding:
    """A finding about a span of the draft; its evidence is the text there."""
    return Finding(
        code, message, SEVERITY[code], suggestion(code, language), start, end, draft[start:end]
    )


def _absent(code: FindingCode, message: str, language: str) -> Finding:
    """A finding about something the draft lacks, so with no span."""
    return Finding(code, message, SEVERITY[code], suggestion(code, language))


def check_reply(
    draft: str,
    *,
    mention: str | None = None,
    network: Network = Network.MASTODON,
    handle: str | None = None,
    authority: Set[Authority] = NO_AUTHORITY,
    brand: BrandProfile = DEFAULT_BRAND,
) -> ToneReport:
    """Check a draft reply to `mention` for `network`.

    `handle` is the customer's handle: given, the length is that of the reply as the network
    receives it (with the handle in front where the sender puts it, see `addressed_reply`);
    without it, the draft's own length.
    `authority` lists what the writer may promise (a rep: nothing; billing: refunds);
    `brand` names the brand's own support domains and numbers, which are channels, not private.
    Findings come heat and blame first, then by severity, then by position.
    """
    # Undecodable bytes from a command line arrive as lone surrogates; U+FFFD keeps every index.
    draft = _LONE_SURROGATE.sub("\ufffd", draft)
    mention = _LONE_SURROGATE.sub("\ufffd", mention) if mention is not None else None
    language = guess_language(draft)
    kind = classify_mention(mention) if mention and mention.strip() else None
    compound = sentiment(draft) if draft.strip() else 0.0
    courtesy = read_courtesy(
        draft, mention=mention, has_brand_contact=offers_brand_contact(draft, brand)
    )
    findings: list[Finding] = []

    heat_wording, blame = scan_wording(draft)
    for signal in blame:
        findings.append(_at(draft, FindingCode.BLAME, BLAME_MESSAGE, language, *signal.span))
    heat = find_heat(
        draft,
        wording=heat_wording,
        compound=compound,
        softened=courtesy.softened,
        blamed=bool(blame),
        complaint=kind is MentionKind.COMPLAINT,
        capitalised=brand.capitalised_words,
    )
    for signal in heat:
        message = HEAT_MESSAGES[signal.kind or HeatKind.HOSTILE]
        findings.append(_at(draft, FindingCode.HEAT, message, language, *signal.span))

    if kind is MentionKind.COMPLAINT and draft.strip():
        present = {
            FindingCode.NO_ACKNOWLEDGE: courtesy.acknowledges,
            FindingCode.NO_APOLOGY: courtesy.apologises,
            FindingCode.NO_ACTION: courtesy.acts,
            FindingCode.NO_OFFLINE_OFFER: courtesy.offers_offline,
        }
        for code, message in MISSING_MESSAGES.items():
            if not present[code]:
                findings.append(_absent(code, message, language))

    for datum in find_private_data(draft, brand=brand, mention=mention):
        message = f"A public reply should not contain {datum.kind.value}."
        findings.append(
            _at(draft, FindingCode.PRIVATE_DATA, message, language, datum.start, datum.end)
        )

    for promise in find_promises(draft, authority=frozenset(authority)):
        message = AUTHORITY_MESSAGES[promise.authority]
        findings.append(
            _at(draft, FindingCode.OVER_AUTHORITY, message, language, promise.start, promise.end)
        )

    counted = reply_length(draft, network, handle=handle)
    if counted.limit is not None and counted.overflow_start is not None:
        rules = rules_for(network)
        message = (
            f"{counted.length} of {counted.limit} {rules.length_unit} as {rules.display_name} "
            f"counts them: {counted.over} too many."
        )
        findings.append(
            _at(draft, FindingCode.TOO_LONG, message, language, counted.overflow_start, len(draft))
        )

    findings.sort(
        key=lambda f: (
            f.code not in BREATH_CODES,
            _SEVERITY_RANK[f.severity],
            len(draft) if f.start is None else f.start,
        )
    )
    return ToneReport(
        findings=tuple(findings),
        length=counted.length,
        limit=counted.limit,
        network=network,
        mention_kind=kind,
        sentiment=compound,
        mention_hostile=bool(mention and mention.strip()) and is_hostile_mention(mention or ""),
    )

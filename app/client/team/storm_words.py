"""Every sentence the console says about storms, in one place: the banner's headline, the
notification, the tray's line, the storm view's labels, what a claim or a holding statement
did and how far its replies have gone. The banner, the tray, the storm view and the manager
overview all read these, so a storm is described the same way wherever it shows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.models.enums import StormKind, StormState
from app.models.storm_schemas import (
    StormClaimResult,
    StormProgress,
    StormPublic,
    StormReplyResult,
    StormSkipped,
)

# --- labels of the storm view and its entry points ----------------------------------------

OPEN_STORM_VIEW = "Open storm view"
STORM_VIEW_TITLE = "Storms"
DISMISS = "Dismiss"
NO_STORMS = "No storm right now. A spike of volume or anger shows here as it starts."
CLAIM_FOR_ME = "Claim for me"
CLAIM_FOR_PERSON = "Claim for…"
CLAIM_FOR_TEAM = "Share with team…"
CHOOSE_PERSON = "Choose a person…"
CHOOSE_TEAM = "Choose a team…"
STATEMENT_GOING = "Statement going out…"
WHOLE_STORM = "The whole storm"
GROUPS_TITLE = "Groups (near-duplicates and the same topic)"
GROUP_MENTIONS_TITLE = "Mentions of the group (double-click opens one in the stream)"
STATEMENT_TITLE = "Holding statement"
STATEMENT_PLACEHOLDER = (
    "Write the holding statement, or pick a canned reply. {name} becomes each customer's name."
)
PICK_CANNED = "Canned replies"
NO_CANNED = "No canned replies yet (managers add them)"
ALSO_TELL_TEAM = "Also tell the team (broadcast)"
PREVIEW_TITLE = "As {name} will read it:"
NO_PREVIEW = "(write the statement to see it as a customer will)"
CONFIRM_TITLE = "Send the holding statement"
STATEMENT_EMPTY = "Write the statement first: it is empty."

KIND_WORDS = {StormKind.VOLUME: "Storm", StormKind.ANGER: "Anger storm"}
STATE_WORDS = {StormState.RISING: "rising", StormState.ONGOING: "ongoing", StormState.OVER: "over"}
ALERT_WORDS = {"started": "started", "grew": "is growing", "over": "is over"}


def place(storm: StormPublic) -> str:
    """Where the storm is: the brand account's name, or every account together."""
    return storm.account or "all brand accounts"


def ratio_words(ratio: float, usual: float) -> str:
    if usual < 0.5:
        return "far above the usual (almost none)"
    if ratio >= 3:
        return f"{ratio:.0f}× usual"
    return f"{ratio:.1f}× usual"


def rate_words(storm: StormPublic) -> str:
    """ "240 mentions an hour, 6× usual" (angry mentions for an anger storm)."""
    what = "angry mentions" if storm.kind is StormKind.ANGER else "mentions"
    rate = round(storm.rate_per_hour)
    per = f"{rate} {what} an hour" if rate != 1 else f"1 {what[:-1]} an hour"
    return f"{per}, {ratio_words(storm.ratio, storm.usual_per_hour)}"


def rising_words(storm: StormPublic, most: int = 3) -> str:
    """The hashtags, then the phrases, that rose: #outage, “app down”."""
    tags = [h.text if h.text.startswith("#") else f"#{h.text}" for h in storm.hashtags]
    phrases = [f"“{p.text}”" for p in storm.phrases]
    return ", ".join([*tags, *phrases][:most])


def headline(storm: StormPublic) -> str:
    """The banner's line: Storm on @brand: 240 mentions an hour, 6× usual — #outage, “app down”."""
    text = f"{KIND_WORDS[storm.kind]} on {place(storm)}: {rate_words(storm)}"
    rising = rising_words(storm)
    return f"{text} — {rising}" if rising else text


def banner_words(storms: Sequence[StormPublic]) -> str:
    """The banner: the biggest open storm's headline, and how many more there are."""
    if not storms:
        return ""
    first, more = storms[0], len(storms) - 1
    text = headline(first)
    return f"{text} (+{more} more storm{'s' if more > 1 else ''})" if more else text


def alert_title(storm: StormPublic, alert: str) -> str:
    """The desktop notification's title: "Storm started on @brand"."""
    return f"{KIND_WORDS[storm.kind]} {ALERT_WORDS.get(alert, alert)} on {place(storm)}"


def alert_message(storm: StormPublic) -> str:
    rising = rising_words(storm)
    text = f"{rate_words(storm)}; {storm.count} mentions, {storm.open} open"
    return f"{text} — {rising}" if rising else text


def tray_line(storms: Sequence[StormPublic]) -> str:
    """The tray tooltip's storm line ("" without a storm)."""
    if not storms:
        return ""
    first = storms[0]
    ratio = ratio_words(first.ratio, first.usual_per_hour)
    text = f"{KIND_WORDS[first.kind]} on {place(first)}: {ratio}"
    return text + (f" (+{len(storms) - 1} more)" if len(storms) > 1 else "")


def list_entry(storm: StormPublic) -> str:
    """One storm in the storm view's list and the overview's."""
    started = storm.started_at.astimezone().strftime("%a %H:%M")
    return (
        f"{KIND_WORDS[storm.kind]} on {place(storm)}, "
        f"{ratio_words(storm.ratio, storm.usual_per_hour)}\n"
        f"{STATE_WORDS[storm.state].capitalize()} since {started} · "
        f"{storm.count} mentions, {storm.open} open"
    )


STORMS_IN_PERIOD = "Storms in the past week: {count}"
NO_STORM_IN_PERIOD = "No storm in the past week."


def overview_entry(storm: StormPublic) -> str:
    """One storm of the period in the manager overview."""
    started = storm.started_at.astimezone().strftime("%a %d %H:%M")
    when = (
        f"{started}–{storm.over_at.astimezone().strftime('%H:%M')}"
        if storm.over_at
        else f"{started}, still on"
    )
    owner = ""
    if storm.claimed_by is not None:
        owner = f"; claimed by {storm.claimed_by.name}"
    elif storm.claimed_team:
        owner = f"; shared with {storm.claimed_team}"
    statement = "; holding statement sent" if storm.statement else ""
    return (
        f"{when}: {KIND_WORDS[storm.kind].lower()} on {place(storm)}, "
        f"{storm.count} mentions (peak {ratio_words(storm.ratio, storm.usual_per_hour)})"
        f"{owner}{statement}"
    )


def who_has_it(storm: StormPublic) -> str:
    if storm.claimed_by is not None:
        return f"Claimed by {storm.claimed_by.name}"
    if storm.claimed_team:
        return f"Shared with {storm.claimed_team}"
    return "Nobody has claimed it yet"


def counts_words(counts: dict[str, int]) -> str:
    """ "mastodon 120 · bluesky 40" — biggest first."""
    if not counts:
        return "—"
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return " · ".join(f"{name} {count}" for name, count in ordered)


def phrase_words(storm: StormPublic, most: int = 5) -> list[str]:
    """The hashtags and phrases that rose (the first `most`), each with its count against the
    usual, and how many more there are."""
    risen = [*storm.hashtags, *storm.phrases]
    lines = [
        f"{p.text} — {p.count} (usually {f'{p.usual:.1f}' if p.usual >= 0.05 else 'none'})"
        for p in risen[:most]
    ]
    if len(risen) > most:
        lines.append(f"… and {len(risen) - most} more")
    return lines


def group_entry(label: str, count: int, sample: str) -> str:
    """ "app down (80) — “The app is down again”" """
    return f"{label} ({count}) — “{sample}”" if sample else f"{label} ({count})"


# --- claims --------------------------------------------------------------------------------


def skipped_words(skipped: Sequence[StormSkipped]) -> str:
    if not skipped:
        return ""
    owners = sorted({s.owner.name for s in skipped if s.owner is not None})
    whose = f" (already {', '.join(owners[:3])}'s)" if owners else ""
    return f"; {len(skipped)} skipped{whose}"


def claim_words(result: StormClaimResult, for_whom: str) -> str:
    """ "12 mentions claimed for you; 3 skipped (already Dana's)"."""
    count = len(result.claimed)
    noun = "mention" if count == 1 else "mentions"
    return f"{count} {noun} claimed for {for_whom}{skipped_words(result.skipped)}."


# --- the holding statement -------------------------------------------------------------------


def send_words(count: int) -> str:
    return f"Send to {count} customer{'s' if count != 1 else ''}"


def confirm_words(count: int, broadcast: bool, storm: StormPublic) -> str:
    team = " and broadcast it to the team" if broadcast else ""
    return (
        f"Send this holding statement as {count} individual "
        f"repl{'ies' if count != 1 else 'y'} (one to each customer of the storm on "
        f"{place(storm)}){team}? Each waits its cool-off and is paced under each network's "
        "rate limit."
    )


def statement_words(result: StormReplyResult) -> str:
    count = len(result.replies)
    text = f"Holding statement queued as {count} repl{'ies' if count != 1 else 'y'}"
    if result.broadcast_id is not None:
        text += " and broadcast to the team"
    return text + skipped_words(result.skipped) + "."


def length_warning(network: str, over: int, unit: str, limit: int, count: int) -> str:
    who = f"{count} customer{'s' if count != 1 else ''}"
    return f"Too long for {network} by {over} {unit} (limit {limit}; {who} there)."


def progress_done(progress: StormProgress) -> bool:
    """Every reply of the statement has left (sent) or given up (failed)."""
    return progress.queued == 0 and progress.sending == 0


def progress_words(progress: StormProgress, now: datetime) -> str:
    """ "31 of 120 sent · next in 40 s", then "All 120 sent"."""
    total = progress.total
    failed = f", {progress.failed} failed" if progress.failed else ""
    if progress_done(progress):
        if not progress.failed:
            return f"All {total} sent" if total != 1 else "Sent"
        return f"{progress.sent} of {total} sent{failed}"
    text = f"{progress.sent} of {total} sent{failed}"
    if progress.sending:
        text += f" · {progress.sending} sending"
    if progress.next_at is not None:
        seconds = max(0, round((progress.next_at - now).total_seconds()))
        text += f" · next in {_duration(seconds)}"
    return text


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"

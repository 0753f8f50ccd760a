"""Every sentence and label the console shows about on-call paging, in one place: the page's
headline and notification, the banner's and the tray's buttons, what an acknowledgement did,
why a page left my list, the "My paging…" dialog and the on-call order editor. The banner, the
tray, the notification, the status bar and the dialogs all read these, so a page is described
the same way wherever it shows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from app.models.enums import PageState
from app.models.on_call_schemas import PagedMention, PagePublic

# --- the banner, the tray and the Duty menu ------------------------------------------------

# Alt+K: the window's other Alt+letters of these words are taken (tests/ui/shell/test_mnemonics).
ACKNOWLEDGE = "Acknowledge"
ACKNOWLEDGE_AND_GO_ON_DUTY = "Ac&knowledge and go on duty"
ACKNOWLEDGE_HELP = "Tell the on-call order you have it: the page stops passing on"
ACKNOWLEDGE_AND_GO_ON_DUTY_HELP = "Acknowledge the page and come on duty to take the watch"
TRAY_ACKNOWLEDGE = "Acknowledge the page"
TRAY_ACKNOWLEDGE_AND_GO_ON_DUTY = "Acknowledge and go on duty"
OPEN_MENTION = "Open"
ON_CALL_ORDER = "On-call order…"
TRAY_TOOLTIP_LINE = "⚑ Paged: waiting for your acknowledgement"

# --- the "My paging…" dialog ---------------------------------------------------------------

PAGING_TITLE = "My paging"
PAGING_HEADING = (
    "When an urgent mention arrives and nobody is on duty, the on-call order is paged one "
    "person at a time. Your pages show in the console and go to these addresses."
)
URLS_LABEL = "Where pages reach me (as the server shows them: secrets hidden)"
NO_URLS = "Nowhere but this console yet."
URLS_REPLACE = "Replace the addresses"
URLS_REPLACE_HELP = (
    "One notifier URL a line, for example mailto://me@example.com, tgram://bot-token/chat-id, "
    "ntfy://my-topic. Leave the box empty to be paged in the console only."
)
QUIET_HOURS_LABEL = "Quiet hours (pages pass me by)"
QUIET_FROM = "from"
QUIET_UNTIL = "until"
QUIET_HELP = "Local times HH:MM; an end at or before the start runs to the next morning."
TIME_ZONE_LABEL = "Time zone"
TIME_ZONE_HELP = "A zone such as Europe/Paris; empty: my team's."
QUIET_NOW = "Quiet hours now: pages skip you until they end."
LOADING = "Loading your paging settings…"
SAVED = "Paging settings saved."


def bad_time(which: str, text: str) -> str:
    return f"The quiet hours' {which} time '{text}' is not a time like 22:00."


QUIET_HALF = "Give both quiet-hours times, or neither."
NOT_SAVED = "Not saved: {detail}"

# --- the on-call order editor (managers) ---------------------------------------------------

ORDER_TITLE = "On-call order — {team}"
ORDER_HEADING = (
    "Who is paged, in this order, when an urgent mention of {team} arrives with nobody on "
    "duty; unacknowledged, the page passes on to the next."
)
FOLLOWS_ROTA = "Follows the rota"
MANUAL_ORDER = "Manual order"
FOLLOWS_ROTA_HELP = (
    "Managers on the rota now first, then by their next shift, then the team's other managers."
)
MOVE_UP = "Move &up"
MOVE_DOWN = "Move do&wn"
ADD_PERSON = "&Add"
REMOVE_PERSON = "&Remove"
RESET_TO_ROTA = "Reset to the &rota"
ROTA_AFTER_SAVE = "Once saved, the order follows the rota again (and shows the rota's order)."
PASS_ON_AFTER = "Unacknowledged, a page passes on after"
MINUTES_SUFFIX = " min"
ORDER_EMPTY = "Nobody is on the order: pages of this team reach nobody."
ORDER_SAVED = "On-call order of {team} saved: {names}."
ORDER_SAVED_ROTA = "On-call order of {team} follows the rota again: {names}."
ORDER_NOT_LOADED = "The on-call order could not be loaded: {detail}"
ORDER_NOT_SAVED = "The on-call order was not saved: {detail}"

# --- sentences about pages -----------------------------------------------------------------


def _hhmm(when: datetime, zone: tzinfo | None) -> str:
    return when.astimezone(zone).strftime("%H:%M")


def _mentions_word(count: int) -> str:
    return "1 urgent mention" if count == 1 else f"{count} urgent mentions"


def page_title(page: PagePublic) -> str:
    """The notification's title and the banner's headline start."""
    where = f" ({page.team})" if page.team else ""
    return f"You are paged{where}: {_mentions_word(page.count)}, nobody on duty"


def mention_line(mention: PagedMention) -> str:
    """ "#12 @dana: my order never came…" — a mention the page names."""
    excerpt = " ".join(mention.excerpt.split())
    if len(excerpt) > 80:
        excerpt = excerpt[:79] + "…"
    return f"#{mention.id} {mention.author}: {excerpt}"


def page_message(page: PagePublic) -> str:
    """The notification's body: the mentions it names (a few), how to answer it."""
    lines = [mention_line(m) for m in page.mentions[:3]]
    more = page.count - len(lines)
    if more > 0:
        lines.append(f"+{more} more")
    lines.append("Click here or open the console to acknowledge (or acknowledge and go on duty).")
    return "\n".join(lines)


def page_deadline(page: PagePublic, zone: tzinfo | None = None) -> str:
    """When it passes on, for the banner's second line."""
    if page.escalates_at is None:
        return "Nobody else is on the on-call order after you."
    at = _hhmm(page.escalates_at, zone)
    return f"Unacknowledged, it passes on to the next on-call person at {at}."


def more_waiting(count: int) -> str:
    return "" if count <= 0 else f"{count} more page(s) wait after this one."


def acknowledged(page: PagePublic) -> str:
    """What the status bar says after my acknowledgement."""
    sentence = f"You have the page: {_mentions_word(page.count)} to answer."
    if page.took_watch:
        sentence += " You are on duty now."
    return sentence


def taken_by(page: PagePublic, zone: tzinfo | None = None, *, me: int | None = None) -> str:
    """Why a waiting page of mine left my list: who took it, or that it passed on."""
    if page.state is PageState.ACKNOWLEDGED:
        at = f" at {_hhmm(page.acknowledged_at, zone)}" if page.acknowledged_at else ""
        who = page.acknowledged_by
        if who is None:
            return f"The page was acknowledged{at}."
        if who.id == me:
            return f"You acknowledged the page{at} (from elsewhere)."
        watch = " and is on duty" if page.took_watch else ""
        return f"{who.name} took the page{at}{watch}."
    if page.state is PageState.PASSED_ON:
        return "Nobody acknowledged the page in time: it passed on to the next on-call person."
    if page.state is PageState.UNANSWERED:
        return "Nobody on the on-call order acknowledged the page."
    return "The page is waiting."


def already_taken(page: PagePublic, zone: tzinfo | None = None) -> str | None:
    """A lost race, said with the winner's name in my time: "Ana already took it at 21:04."
    None when the page does not say who (the server's own sentence is used then)."""
    who = page.acknowledged_by
    if page.state is not PageState.ACKNOWLEDGED or who is None:
        return None
    at = f" at {_hhmm(page.acknowledged_at, zone)}" if page.acknowledged_at else ""
    return f"{who.name} already took it{at}."


def offline(detail: str) -> str:
    return f"Offline: the page is not acknowledged. {detail}"


def names(people: Sequence[str]) -> str:
    return ", ".join(people) if people else "nobody"

"""Every word the console shows about a team's routing and response-time targets, in one place:
the names of the routing modes and priority levels (networks are named by the network table),
how the language and keyword lists are typed and read back, what the targets are counted in,
and how a day's attainment reads. The manager's routing dialog and the overview both read
these, so a level or a mode is called the same wherever it shows."""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.models.enums import Network, PriorityLevel, RoutingMode
from app.models.networks import NETWORK_RULES
from app.models.routing_schemas import MAX_CAPACITY, MAX_TARGET_MINUTES, ResponseTargetsPublic

# --- names ---------------------------------------------------------------------------------

MODE_WORDS: dict[RoutingMode, str] = {
    RoutingMode.MANUAL: "Manual (people claim)",
    RoutingMode.ROUND_ROBIN: "Round robin",
    RoutingMode.BALANCED: "Fewest open first",
}
MODE_HELP: dict[RoutingMode, str] = {
    RoutingMode.MANUAL: "New mentions wait in the team's queue until someone claims them.",
    RoutingMode.ROUND_ROBIN: (
        "Each new mention goes to the next person on duty who has room, in turn."
    ),
    RoutingMode.BALANCED: (
        "Each new mention goes to the person on duty who holds the fewest open mentions."
    ),
}
# Highest first, as the levels are set and shown.
PRIORITY_WORDS: dict[PriorityLevel, str] = {
    PriorityLevel.URGENT: "Urgent",
    PriorityLevel.HIGH: "High",
    PriorityLevel.NORMAL: "Normal",
    PriorityLevel.LOW: "Low",
}
# Every network a mention can come from, in the network table's order.
ROUTED_NETWORKS: tuple[Network, ...] = tuple(NETWORK_RULES)


def network_words(network: Network) -> str:
    return NETWORK_RULES[network].display_name


# --- the dialog ----------------------------------------------------------------------------

TITLE = "Routing and response times"
TEAM_TITLE = "Routing and response times — {team}"  # once the team is shown
TEAM_LABEL = "&Team:"
NO_TEAMS = "There are no teams yet: an admin creates them (Console ▸ Teams…)."
LOADING = "Loading {team}…"
ROUTING_BOX = "Routing of {team}: which new mentions are its, and who gets them"
ROUTES_CHECK = "&Route new mentions to {team}"  # {team} with its "&" doubled
NOT_ROUTING = (
    "{team} routes nothing yet: no new mention is its own. Once it routes, with every list "
    "below left empty it takes any mention no more particular team matches."
)
ROUTING_SINCE = "Routing saved {when} by {name}. Empty lists match anything."
ROUTING_SAVED_UNKNOWN = "Routing saved. Empty lists match anything."
MODE_LABEL = "&Hand out:"
CAPACITY_LABEL = "Ca&pacity:"  # Alt+C is the Close button's
CAPACITY_SUFFIX = " open mentions each"
CAPACITY_HELP = (
    "Open mentions a person may hold before new ones wait for room (round robin and fewest "
    "open first)."
)
LANGUAGES_LABEL = "&Languages:"
LANGUAGES_PLACEHOLDER = "Any language — or codes such as en, de, pt-BR"
NETWORKS_LABEL = "Networks:"
NETWORKS_HELP = "none ticked: any"
KEYWORDS_LABEL = "&Keywords:"
KEYWORDS_PLACEHOLDER = "Any words — or e.g. refund, invoice, charged twice"
KEYWORDS_HELP = "Separated by commas; found at the start of a word (refund finds refunded)."
PRIORITIES_LABEL = "Priorities:"
PRIORITIES_HELP = "none ticked: any"
TARGETS_BOX = "First-response targets"
TARGETS_HELP = (
    "Minutes to the first reply, per priority level, for mentions that arrive from now on."
)
NO_TARGET = "No target"
MINUTES_SUFFIX = " min"
SAVE = "&Save"
UNSAVED = "{team} has unsaved changes: save them, or choose the team again to discard them."
NOTHING_TO_SAVE = "Nothing to change for {team}."
NOT_LOADED = "Could not load {team}: {detail}"
TEAMS_NOT_LOADED = "Could not load the teams: {detail}"
ROUTING_NOT_SAVED = "Nothing saved: {detail}"
TARGETS_NOT_SAVED = "Response times not saved: {detail}"
ROUTING_SAVED_TARGETS_NOT = "Routing of {team} saved, but its response times were not: {detail}"
SAVED_ROUTING = "Routing of {team} saved: {mode}."
SAVED_TARGETS = "Response times of {team} saved."
SAVED_BOTH = "Routing and response times of {team} saved: {mode}."
TARGETS_WITHOUT_ROUTING = (
    " They apply once {team} routes mentions (tick “Route new mentions to {team}”)."
)
# The menu entry in the roster's team menu (the Console menu's is in the shell's actions).
ROSTER_ENTRY = "Routing and response times…"


def clock_words(targets: ResponseTargetsPublic) -> str:
    """What the targets count: the team's rota hours, or every minute of the day."""
    if targets.rota_hours:
        return (
            f"Counted in rota hours ({targets.time_zone}): the clock stops between the shifts "
            f"of {targets.team} and runs again when the next one starts."
        )
    return (
        f"Counted around the clock: {targets.team} has no rota, so nights and weekends count "
        f"(days end at midnight, {targets.time_zone})."
    )


def duration_words(minutes: int) -> str:
    """ "45 min", "4 h", "1 d 2 h 30 min"."""
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (mins, "min")]
    return " ".join(f"{n} {unit}" for n, unit in parts if n) or "0 min"


def when_words(minutes: int) -> str:
    """What a spin box of minutes means once it passes an hour ("= 4 h 30 min"); "" below."""
    return f"= {duration_words(minutes)}" if minutes >= 60 else ""


# --- typed lists ---------------------------------------------------------------------------

MAX_LANGUAGES = 50
MAX_KEYWORDS = 200
MAX_KEYWORD_LENGTH = 80
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
_LIST_SEPARATORS = re.compile(r"[,;\n]+")


def list_text(values: Iterable[str]) -> str:
    """A list as the dialog's field shows it."""
    return ", ".join(values)


def _distinct(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for value in values:
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            kept.append(value)
    return kept


def parse_languages(text: str) -> list[str]:
    """Language codes typed with commas or spaces ("en, de pt-BR" → en, de, pt-br); a
    ValueError says which one is not a code."""
    codes = _distinct(c.strip().lower().replace("_", "-") for c in re.split(r"[,;\s]+", text))
    for code in codes:
        if len(code) > 16 or not _LANGUAGE.match(code):
            raise ValueError(f"Languages are codes such as en, de or pt-BR: “{code}” is not one.")
    if len(codes) > MAX_LANGUAGES:
        raise ValueError(f"At most {MAX_LANGUAGES} languages ({len(codes)} given).")
    return codes


def parse_keywords(text: str) -> list[str]:
    """Keywords or phrases separated by commas (or new lines); a ValueError says what is too
    long or too many."""
    words = _distinct(" ".join(w.split()) for w in _LIST_SEPARATORS.split(text))
    for word in words:
        if len(word) > MAX_KEYWORD_LENGTH:
            raise ValueError(
                f"A keyword is at most {MAX_KEYWORD_LENGTH} characters: “{word[:30]}…” has "
                f"{len(word)}."
            )
    if len(words) > MAX_KEYWORDS:
        raise ValueError(f"At most {MAX_KEYWORDS} keywords ({len(words)} given).")
    return words


def capacity_problem(capacity: int) -> str | None:
    if not 1 <= capacity <= MAX_CAPACITY:
        return f"Capacity is 1 to {MAX_CAPACITY} open mentions each."
    return None


def minutes_problem(level: PriorityLevel, minutes: int) -> str | None:
    if not 1 <= minutes <= MAX_TARGET_MINUTES:
        return (
            f"The {PRIORITY_WORDS[level].lower()} target is 1 minute to "
            f"{duration_words(MAX_TARGET_MINUTES)}."
        )
    return None


# --- the overview: first responses in time ---------------------------------------------------

ATTAINMENT_HEADING = (
    "First responses in time, per team (days in the team's time zone; open: not yet due):"
)
NO_TARGETS_YET = (
    "First responses in time: no mention with a target this week (Console ▸ Routing & "
    "response times…)."
)
ATTAINMENT_COLUMNS = ("Team", "Today", "Yesterday", "Past week")
NO_MENTIONS = "—"


def percent_in_time(met: int, judged: int) -> int:
    """Whole percent answered in time, rounded down: one miss never reads as 100 %."""
    return met * 100 // judged


def tally_words(met: int, missed: int, pending: int) -> str:
    """ "92 % (23 of 25 in time)", "… 2 open", "3 open, none due yet"; "—" for no mention."""
    judged = met + missed
    if judged == 0:
        return f"{pending} open, none due yet" if pending else NO_MENTIONS
    said = f"{percent_in_time(met, judged)} % ({met} of {judged} in time)"
    return f"{said}, {pending} open" if pending else said

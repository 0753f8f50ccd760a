"""Heat and blame in a draft: shouting, hostile exclamation runs, insults, sarcasm, profanity,
defensiveness, and lecturing the customer.

Caps and exclamation rules read the characters, not the words, so they hold in any cased script;
the word lists cover English, German, Spanish, French and Japanese. VADER judges the overall tone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from app.tone.heat_words import (
    ACRONYMS,
    ALWAYS_MOCKING,
    BLAME_PHRASES,
    DEFENSIVE_PHRASES,
    EMPHASIS,
    HAPPY_WORDS,
    INSULT_PHRASES,
    MOCKING_PHRASES,
    PROFANITY_PHRASES,
    SARCASM_PHRASES,
)
from app.tone.phrases import compile_labelled, label_of
from app.tone.sentiment import word_valence
from app.tone.spans import first_come


class HeatKind(StrEnum):
    SHOUTING = "shouting"
    EXCLAMATION = "exclamation run"
    INSULT = "insult"
    PROFANITY = "profanity"
    SARCASM = "sarcasm"
    DEFENSIVE = "defensiveness"
    HOSTILE = "hostile wording"
    MOCKING = "mocking"


@dataclass(frozen=True, slots=True)
class Signal:
    kind: HeatKind | None  # None for blame
    start: int
    end: int
    text: str

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


HOSTILE_SENTIMENT = -0.4
_EXCLAMATION_RUN = re.compile(r"[!！¡]{2,}|[!！][?？]+|[?？]+[!！]")
# Words of cased scripts (Latin, Greek, Cyrillic); Japanese has no capitals to shout with.
_CASED_WORD = re.compile(r"[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF\u1E00-\u1EFF]{2,}")


def _shouting_runs(text: str, capitalised: frozenset[str]) -> list[Signal]:
    """Runs of words in capitals (no lower-case word between them) that read as shouting."""
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    for match in _CASED_WORD.finditer(text):
        word = match.group()
        if word.isupper():
            current.append(match)
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    known = ACRONYMS | {word.upper() for word in capitalised}
    signals = []
    for run in runs:
        words = [m.group() for m in run if m.group() not in known]
        if not words:
            continue
        if len(words) == 1 and len(words[0]) < 5 and words[0] not in EMPHASIS:
            continue
        happy = any(w in HAPPY_WORDS or word_valence(w) >= 1.5 for w in words)
        hostile = any(word_valence(w) <= -1.0 for w in words if w not in HAPPY_WORDS)
        if happy and not hostile:
            continue
        start, end = run[0].start(), run[-1].end()
        signals.append(Signal(HeatKind.SHOUTING, start, end, text[start:end]))
    return signals


# One scan finds every listed phrase of heat and blame; the group says which list matched.
_WORDING = compile_labelled(
    {
        "insult": INSULT_PHRASES,
        "profanity": PROFANITY_PHRASES,
        "sarcasm": SARCASM_PHRASES + ALWAYS_MOCKING,
        "mocking": MOCKING_PHRASES,
        "defensive": DEFENSIVE_PHRASES,
        "blame": BLAME_PHRASES,
    }
)
_LABELS: dict[str, HeatKind | None] = {
    "insult": HeatKind.INSULT,
    "profanity": HeatKind.PROFANITY,
    "sarcasm": HeatKind.SARCASM,
    "mocking": HeatKind.MOCKING,
    "defensive": HeatKind.DEFENSIVE,
    "blame": None,
}


def scan_wording(text: str) -> tuple[list[Signal], list[Signal]]:
    """Heat phrases and blame phrases in `text`, each in order."""
    heat: list[Signal] = []
    blame: list[Signal] = []
    for match in _WORDING.finditer(text):
        kind = _LABELS[label_of(match)]
        signal = Signal(kind, match.start(), match.end(), match.group())
        (blame if kind is None else heat).append(signal)
    return heat, blame


def find_heat(
    text: str,
    *,
    wording: list[Signal],
    compound: float,
    softened: bool,
    blamed: bool,
    complaint: bool = False,
    capitalised: frozenset[str] = frozenset(),
) -> list[Signal]:
    """Heat signals in a draft.

    `wording` are the heat phrases `scan_wording` found; `compound` is the draft's VADER score;
    `softened` says the draft apologises or acknowledges (VADER reads "sorry" as negative, so an
    apology's negativity is empathy, not heat); `blamed` says blame was found, which makes '!!'
    hostile; `complaint` says the customer complained, which turns laughter into mocking.
    """
    wording = [w for w in wording if complaint or w.kind is not HeatKind.MOCKING]
    signals = _shouting_runs(text, capitalised) + wording
    hostile_tone = compound <= HOSTILE_SENTIMENT and not softened
    if hostile_tone and not signals:
        signals += _hostile_words(text)
    if signals or blamed or hostile_tone:
        # The "!!" of a hostile or defensive draft; a happy "Thanks so much!!" never gets here.
        signals += [
            Signal(HeatKind.EXCLAMATION, m.start(), m.end(), m.group())
            for m in _EXCLAMATION_RUN.finditer(text)
        ]
    return first_come(signals)


_LATIN_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _hostile_words(text: str) -> list[Signal]:
    """Point at the most hostile words when VADER finds the draft hostile and no list did."""
    scored = [(word_valence(m.group()), m) for m in _LATIN_WORD.finditer(text)]
    worst = [m for valence, m in scored if valence <= -2.0]
    return [Signal(HeatKind.HOSTILE, m.start(), m.end(), m.group()) for m in worst[:3]]

"""Routing rules: which team a new mention belongs to, from its language (the network's, else
read from its text), its network, its words and its priority. Arithmetic only, no database:
services/routing.py loads the teams' rules and hands out the mentions they match."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.models.enums import PriorityLevel, RoutingMode
from app.tone.priority import priority_level
from app.tone.suggestions import guess_language

# What the stream shows for each way of handing out (why a mention came to me).
MODE_WORDS: dict[RoutingMode, str] = {
    RoutingMode.MANUAL: "claimed by hand",
    RoutingMode.ROUND_ROBIN: "round robin",
    RoutingMode.BALANCED: "fewest open",
}


def language_code(language: str | None) -> str | None:
    """A language tag's primary code, lower case ("pt-BR" → "pt"); None when empty."""
    if not language:
        return None
    code = language.strip().replace("_", "-").split("-", 1)[0].lower()
    return code or None


def _keyword_pattern(keywords: Iterable[str]) -> re.Pattern[str] | None:
    parts = []
    for keyword in keywords:
        word = keyword.strip().casefold()
        if not word:
            continue
        escaped = re.escape(word)
        # A keyword is found at the start of a word, so "refund" finds "refunds" and
        # "refunded" but not "nonrefundable"; "#outage" or "down!" are found as written.
        head = r"(?<!\w)" if word[0].isalnum() else ""
        tail = r"\w*" if word[-1].isalnum() else ""
        parts.append(f"{head}{escaped}{tail}")
    return re.compile("|".join(parts)) if parts else None


@dataclass(frozen=True, slots=True)
class MentionFacts:
    """What the rules look at in a new mention."""

    network: str
    language: str | None  # as the network gave it
    text: str
    priority: float

    def language_read(self) -> str:
        return language_code(self.language) or guess_language(self.text)


@dataclass(frozen=True)
class TeamRules:
    """One team's saved routing, as the rules read it."""

    team_id: int
    team_name: str
    mode: RoutingMode
    capacity: int
    languages: frozenset[str]
    networks: frozenset[str]
    keywords: tuple[str, ...]
    priorities: frozenset[PriorityLevel]
    pattern: re.Pattern[str] | None = field(default=None, compare=False)

    @classmethod
    def of(
        cls,
        team_id: int,
        team_name: str,
        *,
        mode: RoutingMode,
        capacity: int,
        languages: Sequence[str] = (),
        networks: Sequence[str] = (),
        keywords: Sequence[str] = (),
        priorities: Sequence[str] = (),
    ) -> TeamRules:
        words = tuple(k.strip() for k in keywords if k.strip())
        return cls(
            team_id=team_id,
            team_name=team_name,
            mode=mode,
            capacity=capacity,
            languages=frozenset(c for c in (language_code(x) for x in languages) if c),
            networks=frozenset(n.strip().lower() for n in networks if n.strip()),
            keywords=words,
            priorities=frozenset(PriorityLevel(p) for p in priorities),
            pattern=_keyword_pattern(words),
        )

    @property
    def particular(self) -> int:
        """How many kinds of rule the team sets: the more, the more particular it is."""
        return sum(bool(x) for x in (self.languages, self.networks, self.keywords, self.priorities))

    def reasons(self, facts: MentionFacts, language: str | None) -> list[str] | None:
        """Why the mention is this team's (the rules it matched), or None when it is not.
        `language`: the mention's language as read, when a team asked for it."""
        found: list[str] = []
        if self.languages:
            if language not in self.languages:
                return None
            found.append(f"language {language}")
        if self.networks:
            if facts.network not in self.networks:
                return None
            found.append(f"network {facts.network}")
        if self.pattern is not None:
            match = self.pattern.search(facts.text.casefold())
            if match is None:
                return None
            found.append(f"keyword “{match.group(0)}”")
        if self.priorities:
            level = priority_level(facts.priority)
            if level not in self.priorities:
                return None
            found.append(f"{level.value} priority")
        return found


@dataclass(frozen=True, slots=True)
class TeamMatch:
    """The team a mention belongs to and the rules that said so."""

    rules: TeamRules
    because: tuple[str, ...]

    def describe(self) -> str:
        """ "Billing (language de, keyword “refund”)" — or the team alone when it takes any."""
        name = self.rules.team_name
        return f"{name} ({', '.join(self.because)})" if self.because else name


def team_for(facts: MentionFacts, teams: Sequence[TeamRules]) -> TeamMatch | None:
    """The most particular team whose rules the mention matches (ties: by name); None when
    no team's rules match."""
    language = facts.language_read() if any(t.languages for t in teams) else None
    for rules in sorted(teams, key=lambda t: (-t.particular, t.team_name.casefold(), t.team_id)):
        because = rules.reasons(facts, language)
        if because is not None:
            return TeamMatch(rules, tuple(because))
    return None

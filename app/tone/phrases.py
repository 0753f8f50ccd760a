"""Compile multilingual phrase lists into regular expressions that scan a draft quickly.

Phrases are regex fragments written in plain words: a space matches any run of white space and an
apostrophe matches the typographic one too. Phrases in spaced scripts (Latin, Greek, Cyrillic) get
word edges; Japanese phrases get none, since Japanese puts no spaces between words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_CJK_START = 0x2E80  # scripts from here on are written without spaces between words
# Letters of scripts that put spaces between words. A Latin phrase next to Japanese ("DMで")
# still has a word edge, which `\b` would miss because kana are word characters too.
SPACED_LETTER = r"[0-9A-Za-z_\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF\u1E00-\u1EFF]"
_CJK_CHAR = r"[\u2E80-\U0010FFFF]"


def _edge_char(phrase: str, *, leading: bool) -> str:
    """The first (or last) character a phrase can match, looking through group syntax."""
    stripped = phrase.lstrip("(?:") if leading else phrase.rstrip(")?*+")
    if not stripped:
        return ""
    char = stripped[0] if leading else stripped[-1]
    if char == "\\" and leading:
        return stripped[1:2]
    return char


def _is_spaced(char: str) -> bool:
    return char == "]" or (char.isalnum() and ord(char) < _CJK_START)


def _is_cjk(char: str) -> bool:
    return bool(char) and ord(char) >= _CJK_START


def _body(phrase: str) -> str:
    return "(?:" + phrase.replace("'", "['’]").replace(" ", r"\s+") + ")"


def _alternation(phrases: Iterable[str]) -> str:
    """The phrases in their order; a phrase ending in a spaced script's letter must end at a
    word edge. Neighbours that need the edge share one look-ahead: the engine backtracks into
    the group when it fails, so `(?:a|ab)(?!X)` matches what `a(?!X)|ab(?!X)` does, and the
    letter class is compiled once a run, not once a phrase (a third of the tone check's
    import time)."""
    runs: list[tuple[bool, list[str]]] = []
    for phrase in phrases:
        edged = _is_spaced(_edge_char(phrase, leading=False))
        if not runs or runs[-1][0] != edged:
            runs.append((edged, []))
        runs[-1][1].append(_body(phrase))
    return "|".join(
        f"(?:{'|'.join(bodies)})(?!{SPACED_LETTER})" if edged else "|".join(bodies)
        for edged, bodies in runs
    )


def _closing_paren(fragment: str, start: int) -> int:
    depth = 0
    index = start
    while index < len(fragment):
        char = fragment[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = fragment.index("]", index + 1) + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise ValueError(f"unbalanced group in phrase {fragment!r}")


def _split_branches(body: str) -> list[str]:
    branches, depth, current, index = [], 0, "", 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            current += body[index : index + 2]
            index += 2
            continue
        if char == "[":
            end = body.index("]", index + 1) + 1
            current += body[index:end]
            index = end
            continue
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            branches.append(current)
            current = ""
        else:
            current += char
        index += 1
    return [*branches, current]


def first_chars(fragment: str) -> frozenset[str] | None:
    """The lower-case characters a phrase can start with, or None when that is not simple."""
    if not fragment or fragment[0] in "\\^.$|)*+?{":
        return None
    if fragment.startswith("(?:"):
        close = _closing_paren(fragment, 0)
        if fragment[close + 1 : close + 2] in ("?", "*", "{"):
            return None
        found: set[str] = set()
        for branch in _split_branches(fragment[3:close]):
            chars = first_chars(branch)
            if chars is None:
                return None
            found |= chars
        return frozenset(found)
    if fragment[0] == "(":
        return None
    if fragment[0] == "[":
        end = fragment.index("]", 1)
        members = fragment[1:end]
        if members.startswith("^") or "-" in members or "\\" in members:
            return None
        if fragment[end + 1 : end + 2] in ("?", "*", "{"):
            return None
        return frozenset(members.lower())
    if fragment[1:2] in ("?", "*", "{"):
        return None
    return frozenset(fragment[0].lower())


def _dispatched(entries: list[tuple[str, str]], tag: str) -> list[str]:
    """Alternatives grouped under a look-ahead on their first character.

    The regex engine tries alternatives one after another at every position; with hundreds of
    phrases that dominates the check. Testing the first character once per group lets it skip
    all phrases that cannot start there.
    """
    by_char: dict[str, list[tuple[str, str]]] = {}
    undetermined: list[tuple[str, str]] = []
    for label, phrase in entries:
        chars = first_chars(phrase)
        if chars is None:
            undetermined.append((label, phrase))
            continue
        for char in sorted(chars):
            by_char.setdefault(char, []).append((label, phrase))
    alternatives: list[str] = []
    counter = 0

    def labelled_groups(group: list[tuple[str, str]]) -> str:
        nonlocal counter
        parts = []
        for label in dict.fromkeys(label for label, _ in group):
            phrases = [p for owner, p in group if owner == label]
            counter += 1
            parts.append(f"(?P<{label}__{tag}{counter}>{_alternation(phrases)})")
        return "|".join(parts)

    for char, group in by_char.items():
        alternatives.append(f"(?={re.escape(char)})(?:{labelled_groups(group)})")
    if undetermined:
        alternatives.append(labelled_groups(undetermined))
    return alternatives


def compile_labelled(
    labelled: Mapping[str, Iterable[str]], *, ignore_case: bool = True
) -> re.Pattern[str]:
    """One regex for several labelled phrase lists; `label_of(match)` says which list matched.

    The word edge (or the script) is tested once per position for all phrases, and the first
    character once per group of phrases, which keeps a 500-character draft against hundreds of
    phrases well under a millisecond. Where two lists match at one position, the earlier list
    wins; within a list, the longer phrase.
    """
    spaced: list[tuple[str, str]] = []
    cjk: list[tuple[str, str]] = []
    other: list[tuple[str, str]] = []
    for label, phrases in labelled.items():
        for phrase in sorted(set(phrases), key=len, reverse=True):
            lead = _edge_char(phrase, leading=True)
            target = spaced if _is_spaced(lead) else cjk if _is_cjk(lead) else other
            target.append((label, phrase))
    groups = []
    if spaced:
        groups.append(f"(?<!{SPACED_LETTER})(?:" + "|".join(_dispatched(spaced, "s")) + ")")
    if cjk:
        groups.append(f"(?={_CJK_CHAR})(?:" + "|".join(_dispatched(cjk, "c")) + ")")
    if other:
        groups.extend(_dispatched(other, "o"))
    return re.compile("|".join(groups), re.IGNORECASE if ignore_case else 0)


def compile_phrases(phrases: Iterable[str], *, ignore_case: bool = True) -> re.Pattern[str]:
    """One regex for one phrase list."""
    return compile_labelled({"phrase": phrases}, ignore_case=ignore_case)


def label_of(match: re.Match[str]) -> str:
    """The label of the phrase list a match of `compile_labelled` came from."""
    group = match.lastgroup or ""
    return group.rsplit("__", 1)[0]

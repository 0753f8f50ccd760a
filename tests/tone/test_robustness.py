"""The check never fails on odd input, and its fast phrase regexes find what plain ones find."""

from __future__ import annotations

import random
import re

import pytest

from app.models.enums import Network
from app.tone import FindingCode, check_reply
from app.tone.authority import _PROMISE_PHRASES
from app.tone.courtesy import ACKNOWLEDGE, ACTION
from app.tone.heat_words import (
    BLAME_PHRASES,
    DEFENSIVE_PHRASES,
    INSULT_PHRASES,
    PROFANITY_PHRASES,
    SARCASM_PHRASES,
)
from app.tone.phrases import (
    SPACED_LETTER,
    _body,
    _edge_char,
    _is_spaced,
    compile_labelled,
    first_chars,
    label_of,
)
from tests.tone.test_check_table import (
    AUTHORITY_CASES,
    BLAME_CASES,
    HEAT_CASES,
    OFFLINE_CASES,
    PRIVATE_CASES,
    THREE_AS_CASES,
)

ALPHABET = (
    "abcXYZ  !!??¡¿.,:;@#$%&*()[]-_/\\'\"’\n\r\t0123456789äöüßéèñç日本語テスト한국어👍🏽👨‍👩‍👧🇩🇪"
    "\u0301\u200d\ufe0f\ufffd\x00\x1b"
)


def _corpus() -> list[str]:
    texts: list[str] = []
    for draft, mention, *_ in (*HEAT_CASES, *BLAME_CASES, *OFFLINE_CASES, *PRIVATE_CASES):
        texts.append(draft)
        texts.append(mention or "")
    texts += [draft for draft, *_ in THREE_AS_CASES]
    texts += [draft for draft, _ in AUTHORITY_CASES]
    return texts


@pytest.mark.parametrize("seed", range(3))
def test_random_text_never_fails(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        draft = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 700)))
        mention = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 200)))
        for network in Network:
            report = check_reply(draft, mention=mention or None, network=network)
            for finding in report.findings:
                if finding.start is not None and finding.end is not None:
                    assert 0 <= finding.start <= finding.end <= len(draft)


def test_lone_surrogates_and_huge_drafts() -> None:
    report = check_reply("bad \udcff bytes, sorry \ud800", mention="\udcfe broken")
    assert report.length == len("bad \udcff bytes, sorry \ud800")
    huge = "Sorry, we're looking into it. Call 030 1234567! " * 400
    report = check_reply(huge, network=Network.X)
    assert {FindingCode.TOO_LONG, FindingCode.PRIVATE_DATA} <= report.codes
    assert len(report.by_code(FindingCode.PRIVATE_DATA)) == 400


@pytest.mark.parametrize(
    ("fragment", "chars"),
    [
        ("sorry", {"s"}),
        ("(?:i|we) can see", {"i", "w"}),
        ("[Ss]orry", {"s"}),
        (r"(?:i|we)(?:'ll| will)? refund", {"i", "w"}),
        ("(?:a |an )?refund", None),
        (r"\w+", None),
        ("s?orry", None),
        ("申し訳", {"申"}),
        ("^(?:how|what)", None),
    ],
)
def test_first_chars(fragment: str, chars: set[str] | None) -> None:
    assert first_chars(fragment) == (frozenset(chars) if chars is not None else None)


def _reference(lists: dict[str, list[str]]) -> re.Pattern[str]:
    """The plain way: one alternative per phrase, each testing its own word edge."""
    parts = []
    for label, phrases in lists.items():
        alternatives = []
        for phrase in sorted(set(phrases), key=len, reverse=True):
            edge = f"(?<!{SPACED_LETTER})" if _is_spaced(_edge_char(phrase, leading=True)) else ""
            alternatives.append(edge + _body(phrase))
        parts.append(f"(?P<{label}>{'|'.join(alternatives)})")
    return re.compile("|".join(parts), re.IGNORECASE)


@pytest.mark.parametrize(
    "lists",
    [
        {
            "insult": INSULT_PHRASES,
            "profanity": PROFANITY_PHRASES,
            "sarcasm": SARCASM_PHRASES,
            "defensive": DEFENSIVE_PHRASES,
            "blame": BLAME_PHRASES,
        },
        {kind.value: phrases for kind, phrases in _PROMISE_PHRASES.items()},
    ],
)
def test_dispatched_regex_matches_like_a_plain_one(lists: dict[str, list[str]]) -> None:
    fast = compile_labelled(lists)
    plain = _reference(lists)
    for text in _corpus():
        fast_hits = [(m.span(), label_of(m)) for m in fast.finditer(text)]
        plain_hits = [(m.span(), m.lastgroup) for m in plain.finditer(text)]
        assert fast_hits == plain_hits, text


def test_single_lists_still_search() -> None:
    assert ACKNOWLEDGE.search("I completely understand, that sounds frustrating")
    assert ACTION.search("We'll look into it")
    assert not re.search(ACTION, "Nothing to see here")

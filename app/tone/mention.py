"""What kind of post the customer wrote: a complaint, praise, a question, or neither.

VADER reads English tone; complaint and praise markers in five languages catch what it misses
("my parcel never arrived" scores neutral) and what it misreads ("Great, another delay").
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.tone.findings import MentionKind
from app.tone.heat import HeatKind, find_heat, scan_wording
from app.tone.phrases import compile_phrases
from app.tone.risk import risk_categories
from app.tone.sentiment import cached_sentiment

COMPLAINT_MARKERS = compile_phrases(
    [
        # en
        r"broken",
        r"(?:doesn't|does not|don't|do not|isn't|is not|won't|will not|can't|cannot) "
        r"(?:work|load|open|start|connect|charge|turn on|log in|sign in)",
        r"not working",
        r"stopped working",
        r"(?:hasn't|has not|haven't|have not|didn't|did not|isn't|wasn't|still not) (?:\w+ ){0,3}"
        r"(?:arrived|arrive|come|shipped|been delivered|working|work|fixed|answered|replied)",
        r"(?:still|never|hasn't|has not|haven't|have not|not yet|yet to) "
        r"(?:arrived|arrive|come|received|receive|been delivered|shipped|heard back|working|fixed)",
        r"still (?:waiting|no|not|nothing)",
        r"no (?:reply|answer|response|one|refund)",
        r"nobody (?:answers|replies|responds|helps|cares)",
        r"worst",
        r"terrible",
        r"awful",
        r"horrible",
        r"useless",
        r"disappointed",
        r"disappointing",
        r"unacceptable",
        r"ridiculous",
        r"scam\w*",
        r"rip-?off",
        r"charged (?:twice|me twice|double)",
        r"overcharged",
        r"on hold",
        r"delay\w*",
        r"late again",
        r"lost (?:my|our)",
        r"missing",
        r"damaged",
        r"wrong (?:item|order|size)",
        r"rude",
        r"(?:error|crash\w*|bug\w*)",
        r"fed up",
        r"sick of",
        r"thanks for nothing",
        r"not happy",
        r"never again",
        r"complain\w*",
        r"waste of",
        r"hours? (?:waiting|on hold)",
        # de
        r"kaputt",
        r"funktioniert (?:nicht|immer noch nicht)",
        r"geht nicht",
        r"immer noch (?:nicht|kein)",
        r"nie angekommen",
        r"nicht angekommen",
        r"enttäuscht",
        r"unverschämt",
        r"Frechheit",
        r"schlechteste\w*",
        r"katastroph\w*",
        r"Verspätung",
        r"beschwer\w*",
        r"keine Antwort",
        # es
        r"no funciona",
        r"todavía no",
        r"sigue sin",
        r"nunca (?:llegó|llega)",
        r"no (?:ha )?llegado",
        r"peor",
        r"decepcionad[oa]",
        r"vergüenza",
        r"inaceptable",
        r"estafa",
        r"roto",
        r"retraso",
        r"queja",
        r"nadie (?:responde|contesta)",
        # fr
        r"ne (?:marche|fonctionne) (?:pas|plus)",
        r"toujours pas",
        r"jamais (?:reçu|arrivé)",
        r"pas (?:reçu|arrivé)",
        r"déçue?s?",
        r"inadmissible",
        r"honte",
        r"arnaque",
        r"cassée?",
        r"retard",
        r"plainte",
        r"personne ne (?:répond|rappelle)",
        r"nul(?:le)?",
        # ja
        "壊れ",
        "届かない",
        "届いていない",
        "最悪",
        "ひどい",
        "酷い",
        "返金",
        "使えない",
        "動かない",
        "遅い",
        "遅れ",
        "不良",
        "がっかり",
        "対応が悪い",
        "繋がらない",
        "つながらない",
    ]
)

PRAISE_MARKERS = compile_phrases(
    [
        r"thanks?(?: you)?",
        r"love",
        r"great",
        r"awesome",
        r"amazing",
        r"excellent",
        r"perfect",
        r"fantastic",
        r"kudos",
        r"shout-?out",
        r"well done",
        r"brilliant",
        r"happy with",
        r"impressed",
        r"best",
        r"wonderful",
        r"danke\w*",
        r"toll",
        r"super",
        r"großartig",
        r"klasse",
        r"begeistert",
        r"gracias",
        r"me encanta",
        r"genial",
        r"excelente",
        r"increíble",
        r"maravillos[oa]",
        r"merci",
        r"génial",
        r"parfait",
        r"j'adore",
        r"bravo",
        r"formidable",
        "ありがとう",
        "最高",
        "素晴らしい",
        "感謝",
        "大好き",
        "助かりました",
    ]
)

QUESTION_OPENERS = compile_phrases(
    [
        r"^(?:how|what|when|where|why|which|who|can|could|do|does|did|is|are|will|would|should)(?!\w)",
        r"^(?:wie|was|wann|wo|warum|welche\w*|kann|können|gibt es|habt ihr|haben Sie)(?!\w)",
        r"^(?:cómo|qué|cuándo|dónde|por qué|cuál|pueden|puedo|hay)(?!\w)",
        r"^(?:comment|quand|où|pourquoi|quel\w*|est-ce que|pouvez-vous|puis-je)(?!\w)",
    ]
)

_HANDLE = re.compile(r"(?<!\w)@[\w.@-]+")
# How much of a mention is read for its priority and kind. Networks allow 280 (X), 300
# (Bluesky) and 500 (Mastodon's default) characters; a Mastodon server may allow a few thousand
# and X's long posts 25,000. A post says what it is about in its opening: 2,000 characters are
# four Mastodon posts, and keep a mention of 2,000 emoji (the worst case: each reads as words)
# at tens of milliseconds. The stored mention is never cut; only what is read.
MENTION_SCORED_CHARS = 2_000
# A cut inside a word could read "lawsuit" as "law": back off to the last space this close.
_CUT_BACKOFF = 40
_LAST_SPACE = re.compile(r"\s\S*\Z")


def scored_part(text: str) -> str:
    """The part of a mention that is read: the first `MENTION_SCORED_CHARS` characters, ending
    at a space where one is near."""
    if len(text) <= MENTION_SCORED_CHARS:
        return text
    part = text[:MENTION_SCORED_CHARS]
    tail = _LAST_SPACE.search(part, MENTION_SCORED_CHARS - _CUT_BACKOFF)
    return part[: tail.start()] if tail else part


COMPLAINT_SENTIMENT = -0.3
PRAISE_SENTIMENT = 0.35
HOSTILE_SENTIMENT = -0.5


@lru_cache(maxsize=256)
def classify_mention(text: str) -> MentionKind:
    """Complaint wins over praise and question: "Thanks for nothing", "Why is it broken again?".
    Reads the mention's `scored_part`."""
    body = _HANDLE.sub(" ", scored_part(text)).strip()
    compound = cached_sentiment(body)
    if (
        COMPLAINT_MARKERS.search(body)
        or compound <= COMPLAINT_SENTIMENT
        # A risk word makes a complaint unless the post is plainly happy: "this phone is
        # fire, love it", "got my refund in a day, thanks!".
        or (
            set(risk_categories(body)) & {"safety", "legal", "cancel", "refund"}
            and not (compound >= PRAISE_SENTIMENT and PRAISE_MARKERS.search(body))
        )
    ):
        return MentionKind.COMPLAINT
    if "?" in body or "？" in body or "¿" in body or QUESTION_OPENERS.search(body):
        return MentionKind.QUESTION
    if compound >= PRAISE_SENTIMENT or PRAISE_MARKERS.search(body):
        return MentionKind.PRAISE
    return MentionKind.NEUTRAL


@lru_cache(maxsize=256)
def is_hostile_mention(text: str) -> bool:
    """An angry customer (the composer lengthens the cool-off): strongly negative, shouting,
    insults or profanity, in any of the check's languages. Reads the mention's `scored_part`."""
    body = _HANDLE.sub(" ", scored_part(text)).strip()
    if not body:
        return False
    compound = cached_sentiment(body)
    if compound <= HOSTILE_SENTIMENT:
        return True
    wording, _ = scan_wording(body)
    signals = find_heat(body, wording=wording, compound=compound, softened=False, blamed=False)
    angry = {HeatKind.SHOUTING, HeatKind.INSULT, HeatKind.PROFANITY}
    return any(signal.kind in angry for signal in signals)

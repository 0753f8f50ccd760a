"""Heat and blame in a draft: shouting, hostile exclamation runs, insults, sarcasm, profanity,
defensiveness, and lecturing the customer.

Caps and exclamation rules read the characters, not the words, so they hold in any cased script;
the word lists cover English, German, Spanish, French and Japanese. VADER judges the overall tone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from app.tone.phrases import compile_labelled, label_of
from app.tone.sentiment import word_valence


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


INSULT_PHRASES: tuple[str, ...] = (
    # en
    r"idiot\w*",
    r"stupid\w*",
    r"moron\w*",
    "dumb",
    "clueless",
    "pathetic",
    "ignorant",
    "incompetent",
    "loser",
    "imbecile",
    r"fool(?:s|ish)?",
    "shut up",
    "get a life",
    "grow up",
    "get over it",
    "crybaby",
    "troll",
    "whiny",
    "whining",
    "cry more",
    "nobody cares",
    "who cares",
    # de
    r"Vollidiot\w*",
    r"dumm\w*",
    r"blöd\w*",
    "bescheuert",
    "Schwachsinn",
    "halt die Klappe",
    "Heulsuse",
    r"Jammer\w*",
    # es
    "idiota",
    r"estúpid[oa]s?",
    "imbécil",
    r"tont[oa]s?",
    r"cállate\w*",
    "que te den",
    # fr
    r"idiote?s?",
    "stupide",
    r"crétine?s?",
    "débile",
    "imbécile",
    "ta gueule",
    r"fermez[- ]la",
    r"connard\w*",
    # ja
    "バカ",
    "ばか",
    "馬鹿",
    "アホ",
    "あほ",
    "黙れ",
    "うるさい",
    "死ね",
    "知るか",
    "いい加減にしろ",
)

PROFANITY_PHRASES: tuple[str, ...] = (
    r"fuck\w*",
    r"f\*+k\w*",
    r"shit\w*",
    r"bullshit\w*",
    r"crap\w*",
    r"damn\w*",
    r"goddamn\w*",
    "wtf",
    "stfu",
    "ffs",
    r"asshole\w*",
    "arse",
    "ass",
    r"bitch\w*",
    r"bastard\w*",
    "what the hell",
    "the hell",
    r"piss(?:ed)? off",
    "bloody hell",
    r"schei(?:ß|ss)\w*",
    r"verdammt\w*",
    r"Arsch\w*",
    "leck mich",
    "mierda",
    "joder",
    r"jodid[oa]",
    "coño",
    "carajo",
    r"put[oa]",
    "hostia",
    "merde",
    "putain",
    "bordel",
    r"connasse\w*",
    r"foutre\w*",
    "くそ",
    "クソ",
    "ふざけるな",
    "ふざけんな",
)

SARCASM_PHRASES: tuple[str, ...] = (
    "yeah right",
    "yeah, right",
    r"obviously",
    "clearly you",
    "clearly, you",
    "sure, because",
    "sure because",
    r"oh,? (?:great|wonderful|brilliant|joy)",
    "thanks for nothing",
    "good luck with that",
    r"news ?flash",
    "nice try",
    r"wow,? just wow",
    "what a surprise",
    "big surprise",
    r"congratulations,? you",
    r"sure thing,? genius",
    "if you say so",
    "i'm sure you",
    "because that makes sense",
    "no offense, but",
    "with all due respect",
    r"sure,? whatever",
    r"right,? whatever",
    r"whatever,? (?:dude|man|mate)",
    "ja klar",
    "na klar",
    "schon klar",
    "offensichtlich",
    "natürlich, weil",
    "na toll",
    "sí, claro",
    "obviamente",
    "claro, porque",
    "qué sorpresa",
    "vaya sorpresa",
    "c'est ça, oui",
    "évidemment",
    "bien sûr, parce que",
    "quelle surprise",
    "はいはい",
    "さすがですね",
    "どうせ",
)

# Laughing at someone who complains; harmless under praise ("lol thanks!"), except the eye-roll.
MOCKING_PHRASES: tuple[str, ...] = (
    r"lol+",
    "lmao",
    "rofl",
    r"ha(?:ha)+",
    r"ja(?:ja)+",
    r"ptdr",
    "mdr",
    "smh",
    "😂",
    "🤣",
    r"w{3,}(?![.\w])",
    r"[(（]笑[)）]",
)
ALWAYS_MOCKING = ("🙄", "😒", "🤦")

DEFENSIVE_PHRASES: tuple[str, ...] = (
    r"(?:not|isn't|is not|wasn't|was not) our (?:fault|problem|responsibility|issue)",
    "not my (?:fault|problem|job)",
    "we did (?:everything|nothing) (?:right|wrong)",
    "we did nothing wrong",
    r"(?:there's|there is) nothing (?:we|i) can do",
    "nothing we can do",
    r"(?:that's|that is|this is) (?:simply |just )?(?:not true|false|a lie|untrue)",
    "you are wrong",
    "you're wrong",
    "we never said",
    "that's not how it works",
    "not our policy",
    "we are not responsible",
    "we're not responsible",
    "take it or leave it",
    r"nicht (?:unser|mein) (?:Problem|Fehler)",
    "nicht unsere Schuld",
    "wir haben alles richtig",
    "da können wir nichts machen",
    r"das stimmt (?:doch |so )?nicht",
    "Sie irren sich",
    "no es (?:nuestro problema|nuestra culpa|culpa nuestra)",
    "no podemos hacer nada",
    "eso no es cierto",
    "usted se equivoca",
    r"(?:ce n'est|c'est) pas (?:notre problème|notre faute|de notre faute)",
    r"(?:on|nous) n'y (?:peut|pouvons) rien",
    "c'est faux",
    "vous avez tort",
    r"(?:弊社|当社)の責任ではありません",
    "こちらの問題ではありません",
    "どうしようもありません",
)

BLAME_PHRASES: tuple[str, ...] = (
    # en
    r"as i (?:already |have already |previously |have )?"
    r"(?:said|stated|mentioned|explained|told you)",
    r"like i (?:already )?said",
    # "as stated in your email" restates the customer; "as stated" alone lectures them.
    r"as (?:already |previously |clearly )?(?:stated|mentioned|explained)(?! (?:in|by) you)",
    r"per my (?:last|previous)(?: \w+)?",
    # "You should have received an email" is information, not a lecture.
    r"you should(?:n't| not)? have(?! (?:received|gotten|got|been (?:sent|charged|refunded|"
    r"contacted|notified|emailed|given)|access|an? (?:email|message|text|letter|code|link)))",
    r"you should've(?! (?:received|gotten|got|been (?:sent|charged|refunded|contacted)))",
    "calm down",
    r"read the (?:manual|faq|faqs|instructions|docs|documentation|terms|fine print)",
    "rtfm",
    r"(?:it's|it is|it was|that's|that is|this is) (?:all |entirely )?your (?:own )?fault",
    r"your (?:own )?fault",
    "you failed to",
    r"you (?:didn't|did not|never) (?:read|follow|check|listen)",
    r"if you (?:had|would have|'d) (?:read|followed|checked|listened)",
    r"did you (?:even )?(?:read|try|check|bother)",
    "you clearly",
    "you obviously",
    "user error",
    r"sorry (?:if |that )?you feel",
    "you need to (?:calm|relax|read|understand|learn|be patient)",
    r"you(?:'re| are) (?:doing|using) it wrong",
    "learn to read",
    r"next time,? (?:read|check)",
    # de
    r"wie (?:ich )?(?:bereits|schon) (?:gesagt|erwähnt|geschrieben|erklärt)",
    "Sie hätten",
    "du hättest",
    "beruhigen Sie sich",
    r"beruhig(?:e)? dich",
    r"(?:Ihre|deine) (?:eigene )?Schuld",
    "selbst schuld",
    r"lesen Sie (?:doch )?(?:die|das) (?:Anleitung|Handbuch|FAQ)",
    r"lies (?:doch )?(?:die|das) (?:Anleitung|Handbuch|FAQ)",
    # es
    r"como (?:ya )?(?:le |te )?(?:dije|he dicho|mencioné|expliqué|indiqué)",
    r"(?:debió|debería|deberías|debiste) haber",
    r"c[áa]lmese",
    r"c[áa]lmate",
    r"tranquil[íi]cese",
    r"(?:es|fue) (?:su|tu) culpa",
    r"(?:lea|lee) el manual",
    # fr
    r"comme (?:je l'ai |je vous l'ai )?(?:déjà )?(?:dit|indiqué|expliqué|mentionné)",
    "vous auriez dû",
    "tu aurais dû",
    "calmez-vous",
    "calme-toi",
    r"(?:c'est|c'était) (?:de )?(?:votre|ta) faute",
    r"lisez (?:le manuel|la notice|la FAQ)",
    # ja
    r"前にも(?:言|申し上げ)",
    "先ほども申し上げ",
    r"何度も(?:言|申し上げ)",
    "落ち着いて",
    r"お客様の(?:責任|せい|過失)",
    "あなたのせい",
    r"説明書を(?:読|お読み)",
    "自己責任",
)

HOSTILE_SENTIMENT = -0.4
_EXCLAMATION_RUN = re.compile(r"[!！¡]{2,}|[!！][?？]+|[?？]+[!！]")
# Words of cased scripts (Latin, Greek, Cyrillic); Japanese has no capitals to shout with.
_CASED_WORD = re.compile(r"[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF\u1E00-\u1EFF]{2,}")

# Words that are normally written in capitals and so are no shouting.
ACRONYMS = frozenset(
    {
        "DM",
        "DMS",
        "PM",
        "URL",
        "FAQ",
        "FAQS",
        "USA",
        "UK",
        "EU",
        "US",
        "ASAP",
        "OK",
        "ID",
        "PIN",
        "SMS",
        "CEO",
        "PDF",
        "API",
        "IT",
        "TV",
        "PC",
        "GPS",
        "USB",
        "HTTP",
        "HTTPS",
        "WWW",
        "FYI",
        "ETA",
        "BTW",
        "ATM",
        "VAT",
        "IBAN",
        "ISBN",
        "AG",
        "GMBH",
        "SA",
        "SL",
        "SARL",
        "SAS",
        "DHL",
        "UPS",
        "USPS",
        "GLS",
        "DPD",
        "AM",
        "NYC",
        "LA",
        "TBD",
        "RSVP",
        "NB",
        "PS",
        "IOS",
        "CET",
        "UTC",
        "EST",
        "PST",
        "GMT",
        "AI",
        "VPN",
        "SSL",
        "QR",
        "NFC",
        "SIM",
        "ESIM",
        "LTE",
        "WIFI",
        "OS",
        "XL",
        "XXL",
        "CSV",
        "KG",
        "KM",
        "MB",
        "GB",
        "TB",
        "MWST",
        "SAV",
        "TVA",
        "NIF",
        "DNI",
        "PIB",
        "CV",
        "HR",
        "PR",
        "IVA",
        "RGPD",
        "GDPR",
        "DSGVO",
        "NHS",
        "BBC",
        "MD",
        "MP",
        "PN",
        "HQ",
        "CS",
        "IP",
        "SKU",
        "EAN",
        "RMA",
        "TOS",
        "AGB",
        "CGV",
        "II",
        "III",
        "IV",
    }
)
# Short words that are shouted for emphasis even alone: "We did NOT".
EMPHASIS = frozenset(
    {
        "NOT",
        "NO",
        "NEVER",
        "YOU",
        "YOUR",
        "NOW",
        "AGAIN",
        "STOP",
        "READ",
        "WRONG",
        "ALL",
        "NICHT",
        "NIE",
        "KEIN",
        "NIEMALS",
        "SIE",
        "NUNCA",
        "NADA",
        "JAMAIS",
        "PAS",
        "RIEN",
        "VOUS",
    }
)
# Capitals of joy are not heat: "THANK YOU SO MUCH!!".
HAPPY_WORDS = frozenset(
    {
        "THANK",
        "THANKS",
        "LOVE",
        "YAY",
        "WOW",
        "CONGRATS",
        "CONGRATULATIONS",
        "WELCOME",
        "AWESOME",
        "AMAZING",
        "GREAT",
        "BEST",
        "HAPPY",
        "SORRY",
        "DANKE",
        "GLÜCKWUNSCH",
        "SUPER",
        "TOLL",
        "GRACIAS",
        "FELICIDADES",
        "GENIAL",
        "MERCI",
        "BRAVO",
        "FÉLICITATIONS",
        "GÉNIAL",
    }
)


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
    return _without_overlaps(signals)


_LATIN_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _hostile_words(text: str) -> list[Signal]:
    """Point at the most hostile words when VADER finds the draft hostile and no list did."""
    scored = [(word_valence(m.group()), m) for m in _LATIN_WORD.finditer(text)]
    worst = [m for valence, m in scored if valence <= -2.0]
    return [Signal(HeatKind.HOSTILE, m.start(), m.end(), m.group()) for m in worst[:3]]


def _without_overlaps(signals: list[Signal]) -> list[Signal]:
    kept: list[Signal] = []
    for signal in signals:
        if all(signal.end <= k.start or signal.start >= k.end for k in kept):
            kept.append(signal)
    return sorted(kept, key=lambda s: s.start)

"""Promises beyond a rep's authority: refunds, compensation, guarantees, admissions of liability.

Which of these a person may promise is a parameter (a billing specialist may refund); by default
a rep may promise none of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from app.tone.phrases import compile_labelled, compile_phrases, label_of


class Authority(StrEnum):
    REFUND = "refund"
    COMPENSATION = "compensation"
    GUARANTEE = "guarantee"
    LIABILITY = "liability"


NO_AUTHORITY: frozenset[Authority] = frozenset()

_WE = r"(?:i|we|i'll|we'll|i'd|we'd|i'm|we're|i've|we've)"
_WILL = (
    r"(?: will| shall| can| could| would| are going to| am going to| are happy to| 'd be happy to)?"
)
_SOFT = r"(?: (?:happily|gladly|personally|immediately|also|now|just|definitely|certainly|"
_SOFT += r"be happy to|be glad to|make sure to|go ahead and|get|issue|give you|process|"
_SOFT += r"send you|arrange|offer you|provide|organise|organize|set up)){0,3}"

_PROMISE_PHRASES: dict[Authority, list[str]] = {
    Authority.REFUND: [
        _WE + _WILL + _SOFT + r" (?:a |an |your |the )?(?:full |complete |partial |100% )?"
        r"(?:refund|reimburse)\w*",
        r"you(?:'ll| will)? (?:get|receive|be given|be getting) "
        r"(?:a |an |your )?(?:full |complete )?"
        r"(?:refund|money back)",
        r"you(?:'ll| will) be (?:fully )?(?:refunded|reimbursed)",
        r"(?:we've|we have|i've|i have) (?:already )?(?:refunded|reimbursed)",
        r"(?:wir|ich) (?:erstatten|erstatte|werden (?:Ihnen |dir )?\w* ?erstatten)",
        r"erstatten wir",
        r"(?:Sie bekommen|du bekommst|Sie erhalten|du erhältst) (?:Ihr|dein) Geld",
        r"(?:volle|komplette|eine) Rückerstattung",
        r"(?:le|te|les) (?:reembolsaremos|reembolsamos|devolveremos|devolvemos)",
        r"vamos a (?:reembolsar|devolver)\w*",
        r"reembolso (?:completo|total|íntegro)",
        r"recibirá(?:s)? (?:un|el|su|tu) reembolso",
        r"(?:nous allons |je vais |nous |je )?vous rembours\w*",
        r"vous serez rembours\w*",
        r"remboursement (?:complet|intégral|total)",
        r"返金(?:いたします|します|させていただきます|致します)",
        r"全額返金",
    ],
    Authority.COMPENSATION: [
        _WE + _WILL + _SOFT + r" (?:you )?(?:a |an |some )?(?:\w+ )?(?:voucher|gift card|coupon|"
        r"credit|discount|compensation|free \w+)",
        _WE + _WILL + r" compensate\w*",
        r"we(?:'ll| will) make it up to you",
        r"free of charge forever",
        r"free forever",
        r"for free forever",
        r"on the house",
        r"free of charge",
        r"lifetime (?:free|discount)",
        r"(?:wir|ich) (?:entschädigen|entschädige|schenken|schenke)",
        r"Entschädigung",
        r"einen? Gutschein",
        r"kostenlos für immer",
        r"(?:le|te) (?:compensaremos|compensamos|regalaremos|regalamos)",
        r"(?:una )?compensación",
        r"indemniza\w*",
        r"gratis para siempre",
        r"(?:nous allons |je vais )?vous (?:dédommager|indemniser|offrir)",
        r"dédommagement",
        r"geste commercial",
        r"bon d'achat",
        r"gratuit à vie",
        r"補償(?:いたします|します|させていただきます)",
        r"無料で(?:提供|お送り)",
        r"クーポンを(?:お送り|差し上げ)",
    ],
    Authority.GUARANTEE: [
        r"(?:i|we) (?:\w+ )?(?:guarantee|promise|assure you)",
        r"(?:it's|it is|this is) guaranteed",
        r"guaranteed to",
        r"(?:will|won't|will not) (?:ever )?(?:never )?happen again",
        r"never happen again",
        r"100% (?:sure|certain|guaranteed)",
        r"(?:ich|wir) (?:garantiere|garantieren|verspreche|versprechen)",
        r"wird (?:nie|niemals) wieder (?:vorkommen|passieren)",
        r"(?:le |te |les )?(?:garantizo|garantizamos|prometo|prometemos)",
        r"no volverá a (?:pasar|ocurrir|suceder)",
        r"(?:je|nous) vous (?:garantis|garantissons|promets|promettons|assure|assurons)",
        r"(?:cela|ça) ne se reproduira (?:plus|jamais)",
        r"保証(?:いたします|します)",
        r"お約束(?:いたします|します)",
        r"二度と(?:このような|起こらない|ない)",
    ],
    Authority.LIABILITY: [
        r"(?:it's|it is|it was|this is|this was|that's|that is|that was) "
        r"(?:entirely |completely |totally |all |fully |100% )?(?:our|my) (?:own )?"
        r"(?:fault|negligence|liability)",
        r"our (?:fault|negligence)",
        r"we (?:were|are) (?:negligent|liable|at fault|to blame)",
        r"we take (?:full )?(?:responsibility|liability)",
        r"(?:we|i) accept (?:full )?(?:liability|responsibility)",
        r"we are responsible for (?:the |your )?(?:damage|injury|injuries|loss|losses)",
        r"(?:unsere|meine) Schuld",
        r"unser Verschulden",
        r"(?:wir|ich) (?:haften|hafte)",
        r"fahrlässig\w*",
        r"(?:fue|es) (?:nuestra|mi) culpa",
        r"culpa nuestra",
        r"negligencia",
        r"somos responsables de",
        r"(?:c'est|c'était) (?:de )?(?:notre|ma) faute",
        r"notre négligence",
        r"nous sommes responsables d",
        r"(?:弊社|当社|私ども)の(?:責任|過失|落ち度)(?!では|じゃ)",
    ],
}

# One scan for all kinds of promise; the group names the authority it needs.
_PROMISES = compile_labelled({kind.value: phrases for kind, phrases in _PROMISE_PHRASES.items()})

_NEGATION = compile_phrases(
    [
        "not",
        "n't",
        "cannot",
        "unable",
        "no",
        "nicht",
        "kein",
        "keine",
        "nunca",
        "pas",
        "jamais",
        "ません",
        "できない",
    ]
)
_CONDITIONAL = compile_phrases([r"if\b", r"whether", r"wenn", r"falls", r"si\b"])


@dataclass(frozen=True, slots=True)
class Promise:
    authority: Authority
    start: int
    end: int
    text: str


_NEVER_AGAIN = re.compile(r"again|wieder|volverá|reproduira|二度と", re.IGNORECASE)


def _negated(text: str, start: int, end: int) -> bool:
    # "we can't refund" or "if we refund" are no promises; look just before and inside the hit,
    # but "it won't happen again" is a guarantee because of its negation.
    inside = text[start:end]
    window = text[max(0, start - 12) : start]
    if not _NEVER_AGAIN.search(inside):
        window += " " + inside
    return bool(_NEGATION.search(window) or _CONDITIONAL.search(text[max(0, start - 8) : start]))


def find_promises(text: str, *, authority: frozenset[Authority] = NO_AUTHORITY) -> list[Promise]:
    """Promises in `text` that need an authority the writer lacks, earliest first."""
    found: list[Promise] = []
    for match in _PROMISES.finditer(text):
        kind = Authority(label_of(match))
        if kind in authority or _negated(text, match.start(), match.end()):
            continue
        found.append(Promise(kind, match.start(), match.end(), match.group()))
    return found

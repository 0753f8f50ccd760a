"""The three A's and the offline offer in a draft: acknowledge, apologise, act, move to DM.

Each marker list covers English, German, Spanish, French and Japanese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.tone.phrases import compile_phrases
from app.tone.spans import Coverage

ACKNOWLEDGE = compile_phrases(
    [
        r"(?:i|we) (?:completely |totally |fully |really )?(?:understand|get it|hear you|see why)",
        r"(?:i|we) can (?:see|imagine|understand)",
        r"i get (?:it|that|why)",
        r"i see (?:why|how|that)",
        r"(?:that|this|it) (?:sounds|must be|must have been|is|was) "
        r"(?:really |so |very |incredibly |"
        r"understandably |super )?(?:frustrating|annoying|disappointing|stressful|inconvenient|"
        r"not ok|not okay|unacceptable|not good enough|a pain)",
        r"sounds (?:really |so |very )?(?:frustrating|annoying|disappointing)",
        r"understandabl[ey]",
        r"you(?:'re| are) (?:absolutely |completely |totally )?right",
        "fair point",
        r"thanks? (?:you )?for (?:letting us know|reaching out|flagging|telling us|raising|sharing|"
        r"your patience|bringing this|the heads up|getting in touch|bearing with us)",
        r"not the experience",
        r"oh no",
        r"(?:that's|that is|this is|it's|it is) (?:really |definitely |just )?(?:odd|strange|weird|"
        r"not (?:good|great|right|ok|okay|acceptable|what we want))",
        r"(?:that|this|it) (?:shouldn't|should not) (?:happen|have happened|be the case)",
        r"not what you (?:expected|deserve|paid for)",
        r"(?:your|the) (?:frustration|inconvenience|trouble|hassle|wait|disappointment)",
        r"sorry (?:to hear|to read|about the|for the|that|you've|you have|you had)",
        # de
        r"(?:ich|wir) (?:verstehe|verstehen)",
        r"verstehe(?:n)? (?:ich|wir) (?:gut|sehr gut|voll)?",
        r"nachvollziehen",
        r"nachvollziehbar",
        r"(?:das ist|das klingt|das war) (?:wirklich |echt |sehr |"
        r"total )?(?:ärgerlich|frustrierend|enttäuschend|nervig)",
        r"danke,? dass (?:Sie|du)",
        r"danke für (?:Ihre|deine|den) (?:Nachricht|Geduld|Hinweis)",
        r"(?:Ihren|deinen) Ärger",
        r"(?:Ihre|deine) (?:Frustration|Enttäuschung)",
        r"leid,? (?:das|dass) zu hören",
        r"(?:Sie haben|du hast) recht",
        # es
        r"entiendo",
        r"entendemos",
        r"comprendo",
        r"comprendemos",
        r"(?:es|suena|resulta) (?:muy |realmente |bastante )?(?:frustrante|molesto|decepcionante)",
        r"gracias por (?:avisarnos|contarnos|escribirnos|tu paciencia|su paciencia|informarnos)",
        r"(?:tienes|tiene) (?:toda la )?razón",
        r"(?:su|tu) (?:frustración|molestia)",
        r"lamento (?:escuchar|oír|leer)",
        r"lamentamos (?:escuchar|oír|leer)",
        # fr
        r"(?:je|nous) comprends?",
        r"nous comprenons",
        r"on comprend",
        r"(?:c'est|ça doit être|c'était) (?:vraiment |très |tout à fait )?"
        r"(?:frustrant|agaçant|décevant|"
        r"pénible)",
        r"merci de nous avoir (?:signalé|prévenus|écrit|contactés)",
        r"merci pour votre (?:patience|message|retour|signalement)",
        r"vous avez (?:tout à fait )?raison",
        r"votre (?:frustration|agacement|déception)",
        r"désolée?s? d'apprendre",
        # ja
        "お気持ち",
        "ご不便",
        "ご迷惑",
        "ご不快",
        r"承知(?:いたしました|しました)",
        "おっしゃる通り",
        "ご指摘",
        r"ご連絡(?:いただき|ありがとう)",
        "お知らせいただき",
    ]
)

APOLOGY = compile_phrases(
    [
        "sorry",
        r"apolog(?:y|ies|ise|ize|ised|ized|ising|izing)",
        "my bad",
        "our bad",
        r"(?:i|we) (?:deeply |truly |sincerely )?regret",
        r"pardon us",
        "excuse us",
        r"entschuldig\w*",
        r"tut (?:mir|uns) (?:sehr |wirklich |aufrichtig )?leid",
        r"bedauer\w*",
        "Verzeihung",
        r"verzeih\w*",
        r"lo (?:siento|sentimos|lamento|lamentamos)",
        r"lamentamos",
        r"disculp\w*",
        r"perd[oó]n\w*",
        r"sentimos (?:mucho|muchísimo)",
        r"désolée?s?",
        r"excus\w*",
        "pardon",
        r"navrée?s?",
        r"regrett\w*",
        "申し訳",
        "すみません",
        "すいません",
        "ごめん",
        "お詫び",
        "失礼いたしました",
    ]
)

# "I'm sorry you feel that way" apologises for nothing.
NON_APOLOGY = compile_phrases(
    [
        r"sorry (?:if |that )?you feel",
        r"sorry if you(?:'re| are| were) (?:upset|offended|unhappy)",
        r"sorry,? but",
        r"sorry if (?:this|that|it) (?:caused|causes)",
    ]
)

ACTION = compile_phrases(
    [
        r"(?:i|we)(?:'ll| will| am going to| are going to|'m going to|'re going to|'d like to) "
        r"(?:\w+ ){0,2}?(?:look|check|fix|escalate|investigate|send|replace|follow|update|get|sort|"
        r"contact|reach|pass|forward|make sure|ship|reship|resend|call|email|review|see|help|"
        r"arrange|"
        r"raise|flag|chase|find|track|dig|ask|talk|speak|loop|keep|come back|let you know|open)",
        r"(?:i|we)(?:'m|'re| am| are) (?:now |currently |already )?(?:looking|checking|working|"
        r"investigating|escalating|on it|chasing|following up|fixing|sorting|digging)",
        r"(?:i|we)(?:'ve| have) (?:just |already |now )?"
        r"(?:passed|forwarded|sent|checked|raised|flagged|"
        r"logged|created|opened|reported|escalated|fixed|arranged|asked|contacted|looped|shared)",
        "let me",
        r"(?:our|the|a|someone|somebody|one of our)(?: [\w-]+){0,3} "
        r"(?:will|'ll|is going to|are going to) (?:\w+ )?(?:reach|contact|call|email|"
        r"be in touch|get in touch|look|check|follow|send|ship|fix|investigate|review|"
        r"get back|sort|replace|refund|help)",
        r"(?:will|'ll) be in touch",
        r"to follow",
        r"(?:is|are) on (?:its|their) way",
        r"mind (?:sending|dming|sharing|emailing|checking|trying)",
        "let us",
        r"looking into",
        r"look into",
        r"escalat\w+",
        r"investigat\w+",
        r"follow(?:ing)? up",
        r"get back to you",
        r"keep you (?:posted|updated|in the loop)",
        r"(?:can|could|would) you (?:please )?"
        r"(?:send|dm|share|email|message|confirm|tell|let|call|check|try)",
        r"please (?:send|dm|share|email|message|call|contact|reach|get in touch)",
        r"(?:a|your) replacement (?:is|will|has)",
        r"on its way",
        "on it",
        # de
        r"(?:wir|ich) (?:kümmern|kümmere) (?:uns|mich)",
        r"(?:wir|ich) (?:prüfen|prüfe|klären|kläre|schauen|schaue|melden|melde|leiten|leite|"
        r"schicken|"
        r"schicke|senden|sende|sehen|sehe|beheben|behebe)",
        r"weitergeleitet",
        r"(?:wir|ich) (?:werden|werde)",
        r"(?:schreiben|senden|schicken) Sie uns",
        r"schreib uns",
        r"(?:einen )?Ersatz",
        r"geben (?:Sie )?uns Bescheid",
        # es
        r"vamos a",
        r"voy a",
        r"(?:revisaremos|revisamos|revisaré|comprobaremos|investigaremos|"
        r"enviaremos|solucionaremos|resolveremos|escalaremos|contactaremos|gestionaremos)",
        r"lo (?:revisamos|reviso|solucionamos|resolvemos|gestionamos)",
        r"nos pondremos en contacto",
        r"estamos (?:trabajando|revisando|investigando|en ello)",
        r"escríbenos",
        r"envíanos",
        r"escríbanos",
        r"envíenos",
        r"nos (?:encargamos|ocupamos)",
        # fr
        r"nous allons",
        r"je vais",
        r"on va",
        r"(?:nous|je) (?:vérifions|vérifie|regardons|regarde|"
        r"transmettons|transmets|enverrons|corrigeons|revenons|reviens|reviendrons|reviendrai)",
        r"(?:nous nous|je m'|on s') en (?:occupons|occupe)",
        r"(?:écrivez|envoyez)-nous",
        # ja
        r"確認(?:いたします|します|させていただきます|いたしますので)",
        r"対応(?:いたします|します|させていただきます)",
        "調査",
        r"ご連絡(?:いたします|します|させていただきます)",
        "お調べ",
        "手配",
        "担当部署",
        r"お送り(?:いたします|します)",
        "修正",
    ]
)

OFFLINE_OFFER = compile_phrases(
    [
        "dm",
        "dms",
        r"direct(?:ly)? message",
        "private message",
        r"message (?:us|me)",
        r"send (?:us|me) (?:a |an )?(?:private |direct |quick )?"
        r"(?:message|note|line|dm|email|e-mail)",
        r"pm (?:us|me)",
        "inbox",
        r"e-?mail",
        r"mail (?:us|me)",
        r"call (?:us|me)",
        r"give (?:us|me) a (?:call|ring)",
        r"(?:by|via|over the|on the) phone",
        r"phone (?:us|me)",
        r"our (?:\w+ )?(?:phone|hotline|support) (?:number|line)",
        r"ring (?:us|me)",
        r"(?:reach|contact) (?:us|me|our \w+ team) (?:at|on|via|by|directly|privately)",
        r"get in touch",
        r"(?:live )?chat with us",
        r"contact form",
        r"hotline",
        r"Direktnachricht",
        r"Privatnachricht",
        r"private Nachricht",
        r"per (?:E-)?Mail",
        r"(?:rufen Sie|ruf) (?:uns |mich )?an",
        r"anrufen",
        r"telefonisch",
        r"(?:per|am) Telefon",
        r"Telefonnummer",
        r"PN",
        r"mensaje (?:directo|privado)",
        r"por privado",
        r"correo(?: electrónico)?",
        r"ll[áa]m(?:anos|enos|ame|eme)",
        r"(?:por|al|nuestro) tel[ée]fono",
        r"telefónicamente",
        "MD",
        r"message privé",
        r"en privé",
        r"courriel",
        r"appelez-(?:nous|moi)",
        r"appelle-(?:nous|moi)",
        r"(?:par|au) téléphone",
        "MP",
        "ダイレクトメッセージ",
        "メール",
        "お電話",
        r"電話(?:で|にて|番号)",
        "個別に",
    ]
)


@dataclass(frozen=True, slots=True)
class Courtesy:
    """Which of the three A's and the offline offer a draft contains."""

    acknowledges: bool
    apologises: bool
    acts: bool
    offers_offline: bool

    @property
    def softened(self) -> bool:
        return self.acknowledges or self.apologises


def _apologises(text: str) -> bool:
    non_apologies = Coverage(m.span() for m in NON_APOLOGY.finditer(text))
    return any(not non_apologies.covers(m.start()) for m in APOLOGY.finditer(text))


_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")
_STOPWORDS = frozenset(
    {
        "this",
        "that",
        "with",
        "from",
        "have",
        "your",
        "what",
        "when",
        "where",
        "they",
        "them",
        "been",
        "were",
        "will",
        "just",
        "still",
        "about",
        "there",
        "their",
        "would",
        "could",
        "should",
        "please",
        "thanks",
        "thank",
        "hello",
        "very",
        "really",
        "again",
        "after",
        "before",
        "because",
        "does",
        "doesn",
        "didn",
        "isn",
        "wasn",
        "haven",
        "hasn",
        "nobody",
        "anyone",
        "every",
        "some",
    }
)


def restates(draft: str, mention: str) -> bool:
    """Whether the draft names what the customer wrote about (two shared content words)."""
    theirs = {w.lower() for w in _CONTENT_WORD.findall(mention)} - _STOPWORDS
    ours = {w.lower() for w in _CONTENT_WORD.findall(draft)} - _STOPWORDS
    return len(theirs & ours) >= 2


def read_courtesy(
    text: str, *, mention: str | None = None, has_brand_contact: bool = False
) -> Courtesy:
    apologises = _apologises(text)
    acknowledges = bool(ACKNOWLEDGE.search(text)) or (
        apologises and mention is not None and restates(text, mention)
    )
    return Courtesy(
        acknowledges=acknowledges,
        apologises=apologises,
        acts=bool(ACTION.search(text)),
        offers_offline=has_brand_contact or bool(OFFLINE_OFFER.search(text)),
    )

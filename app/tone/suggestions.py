"""Sentences the composer can offer, in the draft's language (English, German, Spanish, French,
Japanese), and a cheap guess of that language."""

from __future__ import annotations

import re

from app.tone.findings import FindingCode

LANGUAGES = ("en", "de", "es", "fr", "ja")

_KANA = re.compile(r"[\u3040-\u30ff]")
_WORD = re.compile(r"[^\W\d_]+")
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "you",
            "your",
            "we",
            "is",
            "to",
            "for",
            "this",
            "with",
            "our",
            "it",
            "that",
            "are",
            "be",
            "have",
            "of",
        ]
    ),
    "de": frozenset(
        [
            "und",
            "der",
            "die",
            "das",
            "ist",
            "nicht",
            "wir",
            "sie",
            "ich",
            "ihre",
            "mit",
            "für",
            "uns",
            "es",
            "ein",
            "eine",
            "den",
            "dem",
            "zu",
            "auf",
            "ihnen",
            "bitte",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "que",
            "y",
            "de",
            "los",
            "las",
            "por",
            "con",
            "su",
            "es",
            "para",
            "nos",
            "lo",
            "un",
            "una",
            "le",
            "te",
            "tu",
            "del",
            "al",
            "está",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "et",
            "est",
            "vous",
            "nous",
            "pas",
            "pour",
            "que",
            "une",
            "des",
            "votre",
            "avec",
            "un",
            "du",
            "ce",
            "je",
            "au",
            "sur",
        ]
    ),
}


def guess_language(text: str) -> str:
    """Two-letter code of the language with the most stop words; Japanese by its kana."""
    if _KANA.search(text):
        return "ja"
    counts = dict.fromkeys(_STOPWORDS, 0)
    for word in _WORD.findall(text.lower()):
        for language, words in _STOPWORDS.items():
            if word in words:
                counts[language] += 1
    best = max(counts, key=lambda language: counts[language])
    return best if counts[best] > counts["en"] else "en"


SUGGESTIONS: dict[FindingCode, dict[str, str]] = {
    FindingCode.HEAT: {
        "en": 'Take a breath before sending. Try: "I can see why this is frustrating, and I '
        'want to help put it right."',
        "de": 'Kurz durchatmen. Zum Beispiel: "Ich verstehe, dass das ärgerlich ist, und ich '
        'möchte helfen, das zu lösen."',
        "es": 'Respira antes de enviar. Prueba: "Entiendo que esto es frustrante y quiero '
        'ayudarte a resolverlo."',
        "fr": "Prenez une pause avant d'envoyer. Par exemple : \"Je comprends que ce soit "
        'frustrant, et je veux vous aider à régler cela."',
        "ja": "送信する前に一呼吸おきましょう。例：「ご不便をおかけしていることは承知しております。"
        "解決に向けてお手伝いさせてください。」",
    },
    FindingCode.BLAME: {
        "en": 'Drop the lecture and restate their problem instead: "Sorry for the confusion — '
        'here is what we can do."',
        "de": 'Statt zu belehren, das Problem aufgreifen: "Entschuldigen Sie die Verwirrung – '
        'so können wir helfen."',
        "es": 'En lugar de reprochar, retoma su problema: "Disculpa la confusión; esto es lo '
        'que podemos hacer."',
        "fr": 'Plutôt que de faire la leçon, reformulez le problème : "Désolé pour la '
        'confusion, voici ce que nous pouvons faire."',
        "ja": "説明不足をお詫びし、解決策を示しましょう。例：「分かりにくく申し訳ありません。"
        "次のように対応いたします。」",
    },
    FindingCode.NO_ACKNOWLEDGE: {
        "en": "I can see how frustrating this is — thanks for letting us know.",
        "de": "Ich verstehe, wie ärgerlich das ist – danke, dass Sie uns Bescheid geben.",
        "es": "Entiendo lo frustrante que es esto; gracias por avisarnos.",
        "fr": "Je comprends à quel point c'est frustrant, merci de nous avoir prévenus.",
        "ja": "ご不便をおかけしていること、承知いたしました。ご連絡いただきありがとうございます。",
    },
    FindingCode.NO_APOLOGY: {
        "en": "I'm sorry for the trouble this has caused.",
        "de": "Es tut mir leid, dass Ihnen das Ärger bereitet hat.",
        "es": "Lamento mucho las molestias que esto te ha causado.",
        "fr": "Je suis désolé pour le désagrément occasionné.",
        "ja": "ご迷惑をおかけして申し訳ございません。",
    },
    FindingCode.NO_ACTION: {
        "en": "I'm looking into this now and will get back to you today.",
        "de": "Ich kümmere mich jetzt darum und melde mich heute noch bei Ihnen.",
        "es": "Lo estoy revisando ahora y te responderé hoy mismo.",
        "fr": "Je m'en occupe tout de suite et je reviens vers vous aujourd'hui.",
        "ja": "ただいま確認いたしますので、本日中にご連絡いたします。",
    },
    FindingCode.NO_OFFLINE_OFFER: {
        "en": "Could you send us a DM with the details? We'll sort it out there, or by email or "
        "phone if you prefer.",
        "de": "Schreiben Sie uns gern eine Direktnachricht mit den Details – oder per E-Mail "
        "oder Telefon, wenn Ihnen das lieber ist.",
        "es": "¿Nos envías un mensaje directo con los detalles? También podemos hablar por "
        "correo o por teléfono.",
        "fr": "Pouvez-vous nous envoyer un message privé avec les détails ? Nous pouvons aussi "
        "échanger par e-mail ou par téléphone.",
        "ja": "詳細をダイレクトメッセージでお送りいただけますか。メールやお電話でも承ります。",
    },
    FindingCode.PRIVATE_DATA: {
        "en": "Remove it from the public reply and ask for details by DM instead.",
        "de": "Bitte aus der öffentlichen Antwort entfernen und Details per Direktnachricht "
        "erfragen.",
        "es": "Quítalo de la respuesta pública y pide los datos por mensaje directo.",
        "fr": "Retirez-le de la réponse publique et demandez les détails en message privé.",
        "ja": "公開の返信から削除し、詳細はダイレクトメッセージでお伺いしましょう。",
    },
    FindingCode.OVER_AUTHORITY: {
        "en": "Promise only what you can do: \"I've passed this to the team who can decide on "
        "this, and they'll contact you.\" Or hand it off.",
        "de": 'Nur zusagen, was Sie entscheiden dürfen: "Ich habe das an das zuständige Team '
        'weitergeleitet, es meldet sich bei Ihnen."',
        "es": 'Promete solo lo que puedes decidir: "He pasado tu caso al equipo responsable, '
        'que se pondrá en contacto contigo."',
        "fr": "Ne promettez que ce que vous pouvez décider : \"J'ai transmis votre demande à "
        "l'équipe compétente, qui reviendra vers vous.\"",
        "ja": "権限の範囲内でお約束しましょう。"
        "例：「担当部署に共有いたしました。担当者よりご連絡いたします。」",
    },
    FindingCode.TOO_LONG: {
        "en": "Shorten the reply, or move the details to a DM.",
        "de": "Antwort kürzen oder die Details in eine Direktnachricht verschieben.",
        "es": "Acorta la respuesta o pasa los detalles a un mensaje directo.",
        "fr": "Raccourcissez la réponse ou passez les détails en message privé.",
        "ja": "返信を短くするか、詳細をダイレクトメッセージに移しましょう。",
    },
}


def suggestion(code: FindingCode, language: str) -> str:
    by_language = SUGGESTIONS[code]
    return by_language.get(language, by_language["en"])

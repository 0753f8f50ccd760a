"""The tone check against a broad table of drafts: every code, true and false, five languages."""

from __future__ import annotations

import pytest

from app.models.enums import Network
from app.tone import Authority, BrandProfile, FindingCode, MentionKind, check_reply

COMPLAINT = "@acme my order never arrived and nobody answers. Useless."
PRAISE = "@acme love the new update, you folks rock!"
QUESTION = "@acme do you ship to Canada?"
COMPLAINT_DE = "@acme Mein Paket ist nie angekommen, und niemand antwortet. Frechheit!"
COMPLAINT_ES = "@acme Mi pedido nunca llegó y nadie responde. Qué vergüenza."
COMPLAINT_FR = "@acme Ma commande n'est jamais arrivée, c'est inadmissible."
COMPLAINT_JA = "@acme 注文した商品が届かない。最悪です。"

GOOD_EN = (
    "I'm so sorry your order hasn't arrived, that's really frustrating. I'm checking with the "
    "courier now. Could you DM us your order number so we can sort it out?"
)
GOOD_DE = (
    "Es tut mir leid, dass Ihr Paket nicht angekommen ist – das ist wirklich ärgerlich. Ich "
    "kümmere mich darum. Schreiben Sie uns bitte eine Direktnachricht."
)
GOOD_ES = (
    "Lo siento mucho, entiendo tu frustración. Vamos a revisarlo ahora mismo; envíanos un "
    "mensaje directo con los detalles."
)
GOOD_FR = (
    "Je suis vraiment désolé, je comprends votre frustration. Je vais vérifier avec le "
    "transporteur : envoyez-nous un message privé."
)
GOOD_JA = (
    "ご不便をおかけして申し訳ございません。すぐに確認いたしますので、DMで詳細をお送りください。"
)

# (draft, mention, expected) — a code is expected present (True) or absent (False).
HEAT_CASES: list[tuple[str, str | None, bool]] = [
    ("That is NOT our problem!!", COMPLAINT, True),
    ("WE ALREADY FIXED THIS.", COMPLAINT, True),
    ("This is a stupid complaint.", COMPLAINT, True),
    ("What the hell are you talking about?", COMPLAINT, True),
    ("Yeah right, like that happened.", COMPLAINT, True),
    ("Obviously it works if you plug it in.", COMPLAINT, True),
    ("Sure, because we love losing parcels.", COMPLAINT, True),
    ("Clearly you have no idea how this works.", COMPLAINT, True),
    ("Good luck with that.", COMPLAINT, True),
    ("It's not our fault the courier lost it!!!", COMPLAINT, True),
    ("This complaint is absurd, annoying and disgusting.", COMPLAINT, True),
    ("Das ist NICHT UNSER PROBLEM!!!", COMPLAINT_DE, True),
    ("So ein Schwachsinn, das stimmt doch nicht.", COMPLAINT_DE, True),
    ("¡¡No es nuestro problema!!", COMPLAINT_ES, True),
    ("Qué mierda de queja.", COMPLAINT_ES, True),
    ("Ce n'est pas notre problème !!", COMPLAINT_FR, True),
    ("C'est ÉVIDENT, LISEZ LA NOTICE.", COMPLAINT_FR, True),
    ("ふざけるな。弊社の責任ではありません。", COMPLAINT_JA, True),
    # false: happy exclamation, capitals of joy, acronyms, calm replies
    ("Thanks so much!!", PRAISE, False),
    ("THANK YOU SO MUCH!! We love hearing this.", PRAISE, False),
    ("Vielen Dank!! Das freut uns sehr!", PRAISE, False),
    ("¡¡Muchas gracias!!", PRAISE, False),
    ("Merci beaucoup !!", PRAISE, False),
    ("ありがとうございます！！とても嬉しいです！！", PRAISE, False),
    ("Your order has shipped!!", None, False),
    ("Please DM us your ID and the URL of the FAQ page, ASAP if you can.", QUESTION, False),
    ("So sorry!! That's awful, we'll fix it today.", COMPLAINT, False),
    (GOOD_EN, COMPLAINT, False),
    (GOOD_DE, COMPLAINT_DE, False),
    (GOOD_JA, COMPLAINT_JA, False),
    ("Yes, we ship to Canada: delivery takes 5 to 7 days.", QUESTION, False),
    ("We'll deal with it right away.", COMPLAINT, False),
    ("Oh no, I'm so sorry!! That's not OK, we'll fix it.", COMPLAINT, False),
    ("I hate that this happened to you, sorry. We're on it.", COMPLAINT, False),
    ("Wow, just wow.", COMPLAINT, True),
    ("LOL no.", COMPLAINT, True),
    ("Sure 🙄", QUESTION, True),
    ("lol thanks, glad you like it!", PRAISE, False),
    ("Jajaja, ¡gracias!", PRAISE, False),
    ("Thanks so much!! But yeah right, as if that was us.", PRAISE, True),
]

BLAME_CASES: list[tuple[str, str | None, bool]] = [
    ("As I already said, the store opens at 9.", QUESTION, True),
    ("You should have read the manual.", COMPLAINT, True),
    ("Calm down, we are looking into it.", COMPLAINT, True),
    ("It's your fault for choosing express.", COMPLAINT, True),
    ("As stated on our website, returns take 14 days.", COMPLAINT, True),
    ("Per my last message, the parcel is with the courier.", COMPLAINT, True),
    ("Did you even read the instructions?", COMPLAINT, True),
    ("Sorry you feel that way.", COMPLAINT, True),
    ("Wie bereits gesagt, Sie hätten früher bestellen müssen.", COMPLAINT_DE, True),
    ("Como ya le dije, cálmese.", COMPLAINT_ES, True),
    ("Comme je l'ai déjà dit, vous auriez dû lire la notice.", COMPLAINT_FR, True),
    ("前にも申し上げた通り、説明書をお読みください。", COMPLAINT_JA, True),
    ("You should have been more careful with it.", COMPLAINT, True),
    ("I'm sorry — I should have explained that better.", COMPLAINT, False),
    ("You should have received an email with the tracking link.", COMPLAINT, False),
    ("You should've got a text from the courier by now, sorry!", COMPLAINT, False),
    ("As mentioned in your post, the lid cracked — we're sending a new one.", COMPLAINT, False),
    ("We should have caught this sooner; sorry.", COMPLAINT, False),
    ("Happy to help! The manual is linked on the product page if useful.", QUESTION, False),
    (GOOD_EN, COMPLAINT, False),
    (GOOD_FR, COMPLAINT_FR, False),
]

THREE_AS_CASES: list[tuple[str, str | None, FindingCode, bool]] = [
    # complaint without the A's
    ("The parcel is with the courier.", COMPLAINT, FindingCode.NO_ACKNOWLEDGE, True),
    ("The parcel is with the courier.", COMPLAINT, FindingCode.NO_APOLOGY, True),
    ("The parcel is with the courier.", COMPLAINT, FindingCode.NO_ACTION, True),
    ("Sorry for the trouble.", COMPLAINT, FindingCode.NO_ACTION, True),
    ("We're checking with the courier now.", COMPLAINT, FindingCode.NO_APOLOGY, True),
    ("We're checking with the courier now.", COMPLAINT, FindingCode.NO_ACKNOWLEDGE, True),
    ("Sorry you feel that way.", COMPLAINT, FindingCode.NO_APOLOGY, True),
    ("Das Paket ist beim Zusteller.", COMPLAINT_DE, FindingCode.NO_APOLOGY, True),
    ("El paquete está con el transportista.", COMPLAINT_ES, FindingCode.NO_ACTION, True),
    ("Le colis est chez le transporteur.", COMPLAINT_FR, FindingCode.NO_ACKNOWLEDGE, True),
    ("商品は配送中です。", COMPLAINT_JA, FindingCode.NO_APOLOGY, True),
    # complaint with them
    (GOOD_EN, COMPLAINT, FindingCode.NO_ACKNOWLEDGE, False),
    (GOOD_EN, COMPLAINT, FindingCode.NO_APOLOGY, False),
    (GOOD_EN, COMPLAINT, FindingCode.NO_ACTION, False),
    (GOOD_DE, COMPLAINT_DE, FindingCode.NO_APOLOGY, False),
    (GOOD_DE, COMPLAINT_DE, FindingCode.NO_ACTION, False),
    (GOOD_ES, COMPLAINT_ES, FindingCode.NO_ACKNOWLEDGE, False),
    (GOOD_FR, COMPLAINT_FR, FindingCode.NO_ACTION, False),
    (GOOD_JA, COMPLAINT_JA, FindingCode.NO_ACKNOWLEDGE, False),
    (GOOD_JA, COMPLAINT_JA, FindingCode.NO_APOLOGY, False),
    (GOOD_JA, COMPLAINT_JA, FindingCode.NO_ACTION, False),
    # everyday wording of the A's
    (
        "Hi Sam, that's not the experience we want for you. Our team will reach out today.",
        COMPLAINT,
        FindingCode.NO_ACTION,
        False,
    ),
    ("Oh no, that's not good at all. Sorry!", COMPLAINT, FindingCode.NO_ACKNOWLEDGE, False),
    ("Hmm, that shouldn't happen. Mind sending us a DM?", COMPLAINT, FindingCode.NO_ACTION, False),
    ("Thanks for flagging, I've escalated it.", COMPLAINT, FindingCode.NO_APOLOGY, True),
    ("Your feedback is important to us.", COMPLAINT, FindingCode.NO_ACTION, True),
    ("Your feedback is important to us.", COMPLAINT, FindingCode.NO_ACKNOWLEDGE, True),
    # restating the problem with an apology acknowledges it
    ("Sorry your order never arrived; I'm on it.", COMPLAINT, FindingCode.NO_ACKNOWLEDGE, False),
    # praise, questions and no mention expect none of the A's
    ("Thanks so much!!", PRAISE, FindingCode.NO_ACKNOWLEDGE, False),
    ("Thanks so much!!", PRAISE, FindingCode.NO_APOLOGY, False),
    ("Thanks so much!!", PRAISE, FindingCode.NO_ACTION, False),
    ("Yes, we ship to Canada.", QUESTION, FindingCode.NO_APOLOGY, False),
    ("Yes, we ship to Canada.", None, FindingCode.NO_ACTION, False),
]

OFFLINE_CASES: list[tuple[str, str | None, bool]] = [
    ("Sorry about that, we're looking into it.", COMPLAINT, True),
    ("Lo siento, lo revisamos.", COMPLAINT_ES, True),
    ("Sorry! Please send us a DM with the details.", COMPLAINT, False),
    ("Sorry! Drop us an email at support@acme.com and we'll sort it.", COMPLAINT, False),
    ("Sorry! Give us a call and we'll fix it.", COMPLAINT, False),
    (GOOD_DE, COMPLAINT_DE, False),
    (GOOD_ES, COMPLAINT_ES, False),
    (GOOD_FR, COMPLAINT_FR, False),
    (GOOD_JA, COMPLAINT_JA, False),
    ("Thanks so much!!", PRAISE, False),
    ("Yes, we ship to Canada.", QUESTION, False),
]

PRIVATE_CASES: list[tuple[str, str | None, bool]] = [
    ("Hi Jane, we'll call you on (415) 555-2671.", None, True),
    ("Wir rufen Sie unter 030 1234567 an.", None, True),
    ("Te llamamos al 612 345 678.", None, True),
    ("Nous vous appelons au 06 12 34 56 78.", None, True),
    ("+81 3-1234-5678 にお電話いたします。", None, True),
    ("We've emailed jane.doe@gmail.com with the label.", None, True),
    ("Your card 4111 1111 1111 1111 was charged twice.", None, True),
    ("The card ending in 4242 was refunded by billing.", None, True),
    ("La tarjeta terminada en 4242 está bloqueada.", None, True),
    ("Order #48213 left our warehouse today.", None, True),
    ("Your order number AB-12345 is on its way.", None, True),
    ("Ihre Bestellnummer 2023-88812 ist unterwegs.", None, True),
    ("Votre commande n° 778812 est partie.", None, True),
    ("ご注文番号：A12345 を確認しました。", None, True),
    ("We'll send the replacement to 221B Baker Street.", None, True),
    ("Wir schicken es an die Hauptstraße 5a.", None, True),
    ("Lo enviamos a la Calle Mayor 12.", None, True),
    ("Nous l'envoyons au 12 rue de la Paix.", None, True),
    ("東京都港区六本木1-2-3 にお送りします。", None, True),
    ("Good news: AB99812 is on its way!", "@acme where is parcel AB99812??", True),
    # false
    ("We've been doing this since 2024 and we're open 24/7.", None, False),
    ("See you on 12.03.2024 at 9:30.", None, False),
    ("Please email support@acme.com or help@acme.com.", None, False),
    ("Thanks @jane@mastodon.social, glad you like it!", None, False),
    ("Could you DM us your order number?", None, False),
    ("The 2 Great Deals are in the app.", None, False),
    ("Version 12.4.1 fixes it, 100% of users are updated.", None, False),
]

AUTHORITY_CASES: list[tuple[str, bool]] = [
    ("We will refund you in full.", True),
    ("I'll issue a full refund today.", True),
    ("You'll get your money back by Friday.", True),
    ("We'll compensate you for the trouble.", True),
    ("We'll give you a voucher for your next order.", True),
    ("Free of charge forever, on us.", True),
    ("I guarantee it will be fixed tomorrow.", True),
    ("It won't happen again.", True),
    ("It was our fault and our negligence.", True),
    ("Wir erstatten Ihnen den vollen Betrag.", True),
    ("Le reembolsaremos el dinero hoy.", True),
    ("Nous allons vous rembourser intégralement.", True),
    ("全額返金いたします。", True),
    ("Das war unsere Schuld.", True),
    ("Refunds are handled by our billing team, I've passed your case on.", False),
    ("I can't promise a refund, but billing will review it.", False),
    ("We understand you'd like a refund.", False),
    ("It was not our fault, but we're sorry it happened.", False),
    ("弊社の責任ではありませんが、確認いたします。", False),
]


def _codes(draft: str, mention: str | None) -> frozenset[FindingCode]:
    return check_reply(draft, mention=mention).codes


@pytest.mark.parametrize(("draft", "mention", "expected"), HEAT_CASES)
def test_heat(draft: str, mention: str | None, expected: bool) -> None:
    assert (FindingCode.HEAT in _codes(draft, mention)) is expected


@pytest.mark.parametrize(("draft", "mention", "expected"), BLAME_CASES)
def test_blame(draft: str, mention: str | None, expected: bool) -> None:
    assert (FindingCode.BLAME in _codes(draft, mention)) is expected


@pytest.mark.parametrize(("draft", "mention", "code", "expected"), THREE_AS_CASES)
def test_three_as(draft: str, mention: str | None, code: FindingCode, expected: bool) -> None:
    assert (code in _codes(draft, mention)) is expected


@pytest.mark.parametrize(("draft", "mention", "expected"), OFFLINE_CASES)
def test_offline_offer(draft: str, mention: str | None, expected: bool) -> None:
    assert (FindingCode.NO_OFFLINE_OFFER in _codes(draft, mention)) is expected


@pytest.mark.parametrize(("draft", "mention", "expected"), PRIVATE_CASES)
def test_private_data(draft: str, mention: str | None, expected: bool) -> None:
    assert (FindingCode.PRIVATE_DATA in _codes(draft, mention)) is expected


@pytest.mark.parametrize(("draft", "expected"), AUTHORITY_CASES)
def test_over_authority(draft: str, expected: bool) -> None:
    assert (FindingCode.OVER_AUTHORITY in _codes(draft, COMPLAINT)) is expected


def test_authority_is_a_parameter() -> None:
    draft = "We will refund you in full, and I guarantee it."
    rep = check_reply(draft)
    billing = check_reply(draft, authority={Authority.REFUND})
    assert {f.evidence for f in rep.by_code(FindingCode.OVER_AUTHORITY)} == {
        "We will refund",
        "I guarantee",
    }
    assert {f.evidence for f in billing.by_code(FindingCode.OVER_AUTHORITY)} == {"I guarantee"}


def test_brand_support_domains_are_a_channel_not_private() -> None:
    draft = "Sorry! Email care@acme.example or our colleague at dana@acme.example."
    default = check_reply(draft)
    acme = check_reply(draft, brand=BrandProfile(support_domains=frozenset({"acme.example"})))
    assert [f.evidence for f in default.by_code(FindingCode.PRIVATE_DATA)] == ["dana@acme.example"]
    assert acme.by_code(FindingCode.PRIVATE_DATA) == ()


def test_brand_phone_is_an_offline_offer_and_not_private() -> None:
    brand = BrandProfile(support_phones=frozenset({"+18005550199"}))
    draft = "So sorry about this, we're on it. Ring us on +1 800-555-0199."
    report = check_reply(draft, mention=COMPLAINT, brand=brand)
    assert FindingCode.PRIVATE_DATA not in report.codes
    assert FindingCode.NO_OFFLINE_OFFER not in report.codes


def test_brand_capitals_are_no_shouting() -> None:
    draft = "Your ACME ROCKET arrives Monday."
    assert FindingCode.HEAT in check_reply(draft, mention=COMPLAINT).codes
    brand = BrandProfile(capitalised_words=frozenset({"ACME", "ROCKET"}))
    assert FindingCode.HEAT not in check_reply(draft, mention=COMPLAINT, brand=brand).codes


@pytest.mark.parametrize(
    ("mention", "kind"),
    [
        (COMPLAINT, MentionKind.COMPLAINT),
        (COMPLAINT_DE, MentionKind.COMPLAINT),
        (COMPLAINT_ES, MentionKind.COMPLAINT),
        (COMPLAINT_FR, MentionKind.COMPLAINT),
        (COMPLAINT_JA, MentionKind.COMPLAINT),
        ("@acme Thanks for nothing.", MentionKind.COMPLAINT),
        ("@acme Great, another delay. Thanks a lot.", MentionKind.COMPLAINT),
        ("@acme why hasn't my parcel arrived yet?", MentionKind.COMPLAINT),
        ("@acme my lawyer will hear about this", MentionKind.COMPLAINT),
        (PRAISE, MentionKind.PRAISE),
        ("@acme Danke, super Service!", MentionKind.PRAISE),
        ("@acme ¡Me encanta, gracias!", MentionKind.PRAISE),
        ("@acme Merci, service parfait.", MentionKind.PRAISE),
        ("@acme ありがとうございます、最高です", MentionKind.PRAISE),
        (QUESTION, MentionKind.QUESTION),
        ("@acme Habt ihr am Sonntag geöffnet?", MentionKind.QUESTION),
        ("@acme ¿Abren el domingo?", MentionKind.QUESTION),
        ("@acme Just saw your ad on the bus.", MentionKind.NEUTRAL),
    ],
)
def test_mention_kind(mention: str, kind: MentionKind) -> None:
    assert check_reply("Hi!", mention=mention).mention_kind is kind


def test_take_a_breath_follows_heat_and_blame() -> None:
    assert check_reply("Calm down.", mention=COMPLAINT).take_a_breath
    assert check_reply("THIS IS RIDICULOUS!!", mention=COMPLAINT).take_a_breath
    assert not check_reply(GOOD_EN, mention=COMPLAINT).take_a_breath
    assert not check_reply("Thanks so much!!", mention=PRAISE).take_a_breath


def test_findings_point_at_their_text() -> None:
    draft = "Hi! As I already said, call 030 1234567. YOU NEVER LISTEN!!"
    report = check_reply(draft, mention=COMPLAINT)
    spans = {(f.code, draft[f.start : f.end]) for f in report.findings if f.start is not None}
    assert (FindingCode.BLAME, "As I already said") in spans
    assert (FindingCode.PRIVATE_DATA, "030 1234567") in spans
    assert (FindingCode.HEAT, "YOU NEVER LISTEN") in spans
    assert (FindingCode.HEAT, "!!") in spans
    for finding in report.findings:
        assert finding.message
        assert finding.suggestion
        assert finding.evidence == (
            "" if finding.start is None else draft[finding.start : finding.end]
        )


def test_heat_and_blame_come_first() -> None:
    report = check_reply("Per my last message: order #48213. Obviously.", mention=COMPLAINT)
    codes = [f.code for f in report.findings]
    first_other = min(
        i for i, c in enumerate(codes) if c not in (FindingCode.HEAT, FindingCode.BLAME)
    )
    assert all(c in (FindingCode.HEAT, FindingCode.BLAME) for c in codes[:first_other])
    assert first_other == 2


@pytest.mark.parametrize(
    ("draft", "mention", "fragment"),
    [
        ("Das Paket ist beim Zusteller.", COMPLAINT_DE, "tut mir leid"),
        ("El paquete está con el transportista.", COMPLAINT_ES, "Lamento"),
        ("Le colis est chez le transporteur.", COMPLAINT_FR, "désolé"),
        ("商品は配送中です。", COMPLAINT_JA, "申し訳"),
        ("The parcel is with the courier.", COMPLAINT, "sorry"),
    ],
)
def test_suggestions_speak_the_drafts_language(draft: str, mention: str, fragment: str) -> None:
    (finding,) = check_reply(draft, mention=mention).by_code(FindingCode.NO_APOLOGY)
    assert fragment in finding.suggestion


def test_blank_draft_has_no_prompts_for_missing_courtesy() -> None:
    report = check_reply("   ", mention=COMPLAINT)
    assert report.findings == ()
    assert report.mention_kind is MentionKind.COMPLAINT


def test_network_changes_only_the_length_rule() -> None:
    draft = "x" * 290
    assert FindingCode.TOO_LONG in check_reply(draft, network=Network.X).codes
    assert FindingCode.TOO_LONG not in check_reply(draft, network=Network.BLUESKY).codes
    assert FindingCode.TOO_LONG not in check_reply(draft, network=Network.MASTODON).codes
    report = check_reply(draft, network=Network.FEED)
    assert report.limit is None
    assert report.length == 290


@pytest.mark.parametrize(
    ("mention", "hostile"),
    [
        ("@acme You are the WORST company EVER, I hate you!!", True),
        ("@acme your support is fucking useless", True),
        ("@acme IHR SEID DIE SCHLECHTESTEN!!!", True),
        ("@acme バカな会社、クソ対応", True),
        ("@acme Stupid idiots, still no parcel", True),
        (COMPLAINT_DE, False),
        (COMPLAINT_JA, False),
        ("@acme my parcel hasn't arrived yet, any news?", False),
        (PRAISE, False),
        ("@acme THANK YOU SO MUCH!!", False),
    ],
)
def test_hostile_mention(mention: str, hostile: bool) -> None:
    assert check_reply("Hi", mention=mention).mention_hostile is hostile
    assert check_reply("Hi").mention_hostile is False

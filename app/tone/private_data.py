"""Find a customer's personal data in a public reply: phones, emails, cards, addresses, orders.

Detection is language-agnostic where the data is (digits, @, Luhn) and multilingual where words
introduce it ("order", "Bestellung", "pedido", "commande", "注文番号"; street words per country).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from app.tone.brand import BrandProfile
from app.tone.spans import Coverage, first_come


class PrivateKind(StrEnum):
    CARD = "card digits"
    EMAIL = "an email address"
    ORDER = "an order number"
    PHONE = "a phone number"
    ADDRESS = "a street address"
    QUOTED = "an identifier from the customer's post"


@dataclass(frozen=True, slots=True)
class PrivateDatum:
    kind: PrivateKind
    start: int
    end: int
    text: str


# Regions tried for numbers written without a country code, in order.
PHONE_REGIONS: tuple[str, ...] = ("US", "GB", "DE", "FR", "ES", "JP")

_EMAIL = re.compile(r"(?<![\w@.+-])([\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,})(?![\w-])")
_CARD_RUN = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])")
_CARD_ENDING = re.compile(
    r"(?:card|visa|mastercard|amex|karte|tarjeta|carte|カード)[^\n\d]{0,25}?"
    r"(?:ending|ends|endend|endet|terminada|terminando|terminant|finissant|末尾|下4桁)"
    r"[^\n\d]{0,12}\d{4}(?!\d)"
    r"|(?:ending in|ends in|last (?:four|4)(?: digits)?(?: of)?|endet auf|endend auf|"
    r"terminada en|se terminant par|finissant par|末尾|下4桁)[^\n\d]{0,8}\d{4}(?!\d)"
    r"|(?:[*xX•]{4}[ -]?){1,3}\d{4}(?!\d)",
    re.IGNORECASE,
)
_ORDER = re.compile(
    r"(?i:(?<!\w)(?:order|invoice|tracking|parcel|shipment|booking|reservation|bestellung|"
    r"bestellnummer|bestell-?nr|auftrag(?:snummer)?|rechnung(?:snummer)?|sendung(?:snummer)?|"
    r"pedido|factura|envío|seguimiento|reserva|commande|facture|colis|suivi|réservation)"
    r"(?!\w))[\s:#]*(?i:(?:number|no|nr|num|número|numéro|n[°º]|nummer|id|code|ref)\.?[\s:#]*)?"
    r"(?P<id>[A-Za-z]{0,4}[-]?\d[\w-]{2,}\w)(?![.,]\d)"
    r"|(?<![\w&])#(?P<hash>\d{5,})(?!\w)"
    r"|(?:ご?注文番号|注文|伝票番号|お問い合わせ番号)[:：\s]*(?P<ja>[A-Za-z0-9-]{4,})"
)
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])\+?\(?\d[\d \t().\-/]{5,}\d(?!\d)")
_STREET_ADDRESS = re.compile(
    # English: "221B Baker Street", "12 Main St."
    r"(?<![\w])\d{1,5}[A-Za-z]?\s+(?:[A-Z][\w'.-]*\s+){1,4}"
    r"(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Lane|Ln\.?|Drive|Dr\.?|"
    r"Court|Ct\.?|Way|Place|Pl\.?|Terrace|Close|Crescent|Square|Highway|Hwy\.?|Parkway)(?!\w)"
    # German: "Hauptstraße 5a", "Am Mühlweg 12"
    r"|(?<!\w)[A-ZÄÖÜ][\wäöüß-]*?(?i:straße|strasse|str\.|weg|allee|gasse|platz|ring|damm|ufer)"
    r"\s+\d{1,4}\s?[a-z]?(?!\w)"
    # Spanish: "Calle Mayor 12", "Avda. de la Constitución, nº 4"
    r"|(?<!\w)(?:Calle|C/|Avenida|Avda\.|Av\.|Paseo|Plaza|Camino|Carrera|Ronda)\s+"
    r"(?:de\s+(?:la\s+|los\s+|las\s+|l')?)?[A-ZÁÉÍÓÚÑ][\wáéíóúñ]*(?:\s+[A-ZÁÉÍÓÚÑ][\wáéíóúñ]*){0,3}"
    r",?\s+(?:n[º°o]\.?\s*)?\d{1,4}(?!\d)"
    # French: "12 bis, rue de la Paix"
    r"|(?<![\w])\d{1,4}(?:\s*(?:bis|ter))?,?\s+(?i:rue|avenue|boulevard|bd|place|chemin|allée|"
    r"impasse|quai|route|cours)\s+(?:de\s+la\s+|de\s+l'|des\s+|du\s+|de\s+)?[A-ZÉÈÀ][\w'-]*"
    # Japanese: "3丁目4番5号", "港区六本木1-2-3"
    r"|\d+丁目\d*(?:番地?|[-－])?\d*号?"
    r"|[一-龥]{1,4}[区市町村][一-龥ぁ-んァ-ン]{1,8}\d+[-－]\d+(?:[-－]\d+)?"
    # UK postcodes and PO boxes
    r"|(?<![\w])[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}(?!\w)"
    r"|(?i:(?<!\w)P\.?\s?O\.?\s+Box\s+\d+)"
)
_DIGIT = re.compile(r"\d")
_IDENTIFIER = re.compile(r"(?<![\w-])[A-Za-z0-9][A-Za-z0-9-]{4,}(?![\w-])")
_WORD_RUN = re.compile(r"[\w-]+")
_YEAR_OR_DATE = re.compile(r"(?:19|20)\d\d|\d{1,4}[-./]\d{1,2}[-./]\d{1,4}")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _cards(text: str) -> list[PrivateDatum]:
    found = []
    for match in _CARD_RUN.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits) and len(set(digits)) > 1:
            found.append(PrivateDatum(PrivateKind.CARD, match.start(), match.end(), match.group()))
    for match in _CARD_ENDING.finditer(text):
        found.append(PrivateDatum(PrivateKind.CARD, match.start(), match.end(), match.group()))
    return found


def _emails(text: str, brand: BrandProfile) -> list[PrivateDatum]:
    return [
        PrivateDatum(PrivateKind.EMAIL, m.start(1), m.end(1), m.group(1))
        for m in _EMAIL.finditer(text)
        if not brand.owns_email(m.group(1))
    ]


def _orders(text: str) -> list[PrivateDatum]:
    found = []
    for match in _ORDER.finditer(text):
        group = next(g for g in ("id", "hash", "ja") if match.group(g) is not None)
        value = match.group(group)
        if sum(c.isdigit() for c in value) < 3 or _YEAR_OR_DATE.fullmatch(value):
            continue
        found.append(PrivateDatum(PrivateKind.ORDER, match.start(), match.end(group), value))
    return found


@lru_cache(maxsize=1024)
def _numbers_in(raw: str) -> tuple[tuple[int, str, str], ...]:
    """(offset, written form, E.164) of valid phone numbers in a digit run, first region that fits.

    The matcher is slow (milliseconds per candidate and region), so it only sees digit runs that
    could be numbers, and a draft being typed asks again for the same runs: the answer is cached.
    """
    for region in PHONE_REGIONS:
        matches = list(PhoneNumberMatcher(raw, region, leniency=Leniency.VALID))
        if matches:
            return tuple(
                (
                    m.start,
                    m.raw_string,
                    phonenumbers.format_number(m.number, PhoneNumberFormat.E164),
                )
                for m in matches
            )
    return ()


def _phones(text: str, brand: BrandProfile, taken: list[PrivateDatum]) -> list[PrivateDatum]:
    found = []
    known = Coverage((d.start, d.end) for d in taken)
    for candidate in _PHONE_CANDIDATE.finditer(text):
        raw = candidate.group()
        if sum(c.isdigit() for c in raw) < 7 or _YEAR_OR_DATE.fullmatch(raw.strip()):
            continue
        if known.covers(candidate.start()):
            continue  # the digits of a card or an order number already found
        for offset, written, e164 in _numbers_in(raw):
            if not brand.owns_phone(e164):
                start = candidate.start() + offset
                found.append(PrivateDatum(PrivateKind.PHONE, start, start + len(written), written))
    return found


def _addresses(text: str) -> list[PrivateDatum]:
    return [
        PrivateDatum(PrivateKind.ADDRESS, m.start(), m.end(), m.group().strip())
        for m in _STREET_ADDRESS.finditer(text)
    ]


def _quoted_from_mention(text: str, mention: str) -> list[PrivateDatum]:
    """Identifiers the customer posted (order, account, booking codes) repeated in the reply."""
    tokens: dict[str, str] = {}  # lower-case form -> as the customer wrote it first
    for token in _IDENTIFIER.findall(mention):
        if sum(c.isdigit() for c in token) < 4 or _YEAR_OR_DATE.fullmatch(token):
            continue
        tokens.setdefault(token.lower(), token)
    if not tokens:
        return []
    # An identifier is a whole run of word characters and hyphens, so one pass over the runs of
    # the reply finds every repeat (a search per identifier read the reply again for each).
    return [
        PrivateDatum(PrivateKind.QUOTED, run.start(), run.end(), tokens[run.group().lower()])
        for run in _WORD_RUN.finditer(text)
        if run.group().lower() in tokens
    ]


def find_private_data(
    text: str, *, brand: BrandProfile, mention: str | None = None
) -> list[PrivateDatum]:
    """Personal data in `text`, earliest first; overlapping hits keep the most specific kind."""
    candidates: list[PrivateDatum] = []
    # Order is precedence: a Luhn-valid card beats the phone number its digits also resemble.
    candidates += _cards(text)
    candidates += _emails(text, brand)
    candidates += _orders(text)
    if _DIGIT.search(text):
        candidates += _phones(text, brand, candidates)
        candidates += _addresses(text)
    if mention:
        candidates += _quoted_from_mention(text, mention)
    return first_come(candidates)


def offers_brand_contact(text: str, brand: BrandProfile) -> bool:
    """Whether the draft gives one of the brand's own addresses or numbers (an offline offer)."""
    if any(brand.owns_email(m.group(1)) for m in _EMAIL.finditer(text)):
        return True
    if not brand.support_phones or not _DIGIT.search(text):
        return False
    return any(
        brand.owns_phone(e164)
        for candidate in _PHONE_CANDIDATE.finditer(text)
        for _, _, e164 in _numbers_in(candidate.group())
    )

"""Personal data detection in detail: card digits, years and dates, quoted identifiers."""

from __future__ import annotations

import pytest

from app.tone import BrandProfile
from app.tone.private_data import PrivateKind, find_private_data, luhn_valid

BRAND = BrandProfile(support_domains=frozenset({"acme.com"}))


def _kinds(text: str, mention: str | None = None) -> list[tuple[PrivateKind, str]]:
    return [(d.kind, d.text) for d in find_private_data(text, brand=BRAND, mention=mention)]


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("4111111111111111", True),
        ("5555555555554444", True),
        ("378282246310005", True),
        ("4111111111111112", False),
        ("1234567812345678", False),
    ],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


@pytest.mark.parametrize(
    "text",
    [
        "Since 2024 we ship worldwide.",
        "Delivered 2024-03-12, 12.03.2024 or 03/12/2024.",
        "Invoice total 1234.56 EUR",
        "4111 1111 1111 1112 is not a valid card",
        "0000 0000 0000 0000",
        "Open 24/7, 365 days a year",
        "Version 10.2.3 is out",
    ],
)
def test_no_false_card_or_phone(text: str) -> None:
    assert _kinds(text) == []


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("card 4111-1111-1111-1111 declined", PrivateKind.CARD, "4111-1111-1111-1111"),
        ("Amex 3782 822463 10005", PrivateKind.CARD, "3782 822463 10005"),
        ("the visa ending 4242", PrivateKind.CARD, "visa ending 4242"),
        ("**** **** **** 4242", PrivateKind.CARD, "**** **** **** 4242"),
        ("Karte endet auf 1234", PrivateKind.CARD, "Karte endet auf 1234"),
        ("carte se terminant par 9876", PrivateKind.CARD, "carte se terminant par 9876"),
        ("mail jane.doe+shop@gmail.com", PrivateKind.EMAIL, "jane.doe+shop@gmail.com"),
        ("pedido 99812-B enviado", PrivateKind.ORDER, "99812-B"),
        ("tracking number 1Z999AA10123456784", PrivateKind.ORDER, "1Z999AA10123456784"),
        ("PO Box 1234", PrivateKind.ADDRESS, "PO Box 1234"),
        ("SW1A 1AA", PrivateKind.ADDRESS, "SW1A 1AA"),
    ],
)
def test_detects(text: str, kind: PrivateKind, found: str) -> None:
    assert (kind, found) in _kinds(text)


def test_brand_addresses_are_no_private_data() -> None:
    assert _kinds("Write to support@acme.com, help@eu.acme.com or care@other.org") == []
    assert _kinds("Write to dana.smith@acme.org") == [(PrivateKind.EMAIL, "dana.smith@acme.org")]


def test_fediverse_handles_are_not_emails() -> None:
    assert _kinds("@jane@mastodon.social thanks!") == []


def test_identifier_from_the_mention_quoted_back() -> None:
    mention = "@acme where is my parcel KX-44812?? account 77120934"
    found = _kinds("Hi! KX-44812 left today; account 77120934 is fine.", mention)
    assert (PrivateKind.QUOTED, "KX-44812") in found
    assert (PrivateKind.QUOTED, "77120934") in found
    # the customer's year or a short number is no identifier
    assert _kinds("See you in 2024!", "@acme since 2024 a fan") == []


def test_card_digits_win_over_phone_shape() -> None:
    assert _kinds("4111 1111 1111 1111") == [(PrivateKind.CARD, "4111 1111 1111 1111")]


def test_spans_are_exact() -> None:
    text = "Call (415) 555-2671 today"
    (datum,) = find_private_data(text, brand=BRAND)
    assert text[datum.start : datum.end] == "(415) 555-2671"

"""The holding statement's parts that need no server: `{name}` personalised from what a
stranger wrote (literally, never through str.format), and the replies' idempotency keys."""

from __future__ import annotations

import uuid

import pytest

from app.models.holding_statement import customer_name, personalise, plain_name
from app.server.services.storm_answer import statement_client_id


@pytest.mark.parametrize(
    ("display_name", "expected"),
    [
        ("Ana", "Ana"),
        ("  Ana   María  ", "Ana María"),
        ("Zoë\n\tSmith", "Zoë Smith"),
        ("{name}{0}{__class__}", "{name}{0}{__class__}"),
        ("<b>Bob</b> <img src=x>", "<b>Bob</b> <img src=x>"),
        ("%s %(x)s", "%s %(x)s"),
        ("Ev\u202eil\u2066", "Evil"),
        ("Bell\x07\x00e", "Belle"),
        (":verified: Kim :blobcat:", "Kim"),
        ("👩‍💻 Dev", "👩‍💻 Dev"),
        ("", "@sam"),
        ("   ", "@sam"),
        (":blobcat:", "@sam"),
        ("@victim@evil.example", "@sam"),
        ("Sam (@sam@elsewhere.example)", "@sam"),
        ("#boycott Sam", "@sam"),
        ("Visit https://spam.example", "@sam"),
        ("www.spam.example", "@sam"),
        ("x" * 51, "@sam"),
    ],
)
def test_customer_name_takes_a_plain_display_name_else_the_handle(
    display_name: str, expected: str
) -> None:
    assert customer_name(display_name, "@sam") == expected
    assert customer_name(display_name, "sam") == expected


def test_personalise_replaces_only_the_placeholder_literally() -> None:
    text = "Hi {name}! Your {order} and {0} stay as written, {name}."
    assert personalise(text, "{0}{order}", "@sam") == (
        "Hi {0}{order}! Your {order} and {0} stay as written, {0}{order}."
    )
    assert personalise("No placeholder {}", "Ana", "@a") == "No placeholder {}"
    assert personalise("Hi {name}", None, None) == "Hi there"
    assert plain_name(None) is None


def test_statement_client_ids_are_stable_distinct_and_carry_the_storm() -> None:
    key = statement_client_id(42, 7, "Hi {name}")
    assert key == statement_client_id(42, 7, "Hi {name}")
    others = {
        statement_client_id(42, 8, "Hi {name}"),
        statement_client_id(43, 7, "Hi {name}"),
        statement_client_id(42, 7, "Hi {name}!"),
    }
    assert key not in others
    assert len(others) == 3
    assert key.version == 8
    assert key.variant == uuid.RFC_4122
    assert str(key).startswith("0000002a-")
    assert str(statement_client_id(2**31 - 1, 2**62, "x")).startswith("7fffffff-")

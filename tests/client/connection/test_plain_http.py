"""Which team-server addresses need the rep's consent: plain http:// to another machine."""

from __future__ import annotations

import pytest

from app.client.connection.plain_http import (
    ALLOW_FLAG,
    needs_plain_http_consent,
    plain_http_refusal,
    plain_http_warning,
)


@pytest.mark.parametrize(
    "url",
    [
        "https://responder.example.com",
        "https://10.0.0.5:8443/",
        "http://127.0.0.1:8765",
        "http://127.8.9.10:8765/",
        "http://[::1]:8765",
        "http://localhost:8765",
        "HTTP://LOCALHOST.:8765",
        "http://[::ffff:127.0.0.1]:8765",
    ],
)
def test_encrypted_or_local_addresses_need_no_consent(url: str) -> None:
    assert not needs_plain_http_consent(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://responder.example.com",
        "http://10.0.0.5:8765",
        "http://192.168.1.20",
        "http://[fd00::2]:8765",
        "http://127.0.0.1.example.com",
        "http://localhost.example.com:8765",
        "http://[::ffff:10.0.0.5]",
        "http://0.0.0.0:8765",
    ],
)
def test_plain_http_to_another_machine_needs_consent(url: str) -> None:
    assert needs_plain_http_consent(url)


def test_the_sentences_say_what_is_at_stake() -> None:
    assert "token and customers' messages unencrypted" in plain_http_warning("http://a.b/")
    refusal = plain_http_refusal("http://a.b/")
    assert refusal.startswith("Not connecting to http://a.b:")
    assert ALLOW_FLAG in refusal

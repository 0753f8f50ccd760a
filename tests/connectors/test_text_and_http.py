"""HTML → text faithfulness and the rate-limit header arithmetic shared by all connectors."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest

from app.connectors.http import RateControl, reset_delay, retry_after_seconds
from app.connectors.text import html_to_text

NOW = 1_800_000_000.0

MASTODON_HTML = (
    '<p><span class="h-card" translate="no"><a href="https://social.example/@nimbus" '
    'class="u-url mention">@<span>nimbus</span></a></span> bill is wrong &amp; I&#39;m '
    '&lt;annoyed&gt; 😤 see <a href="https://imgur.example/abc123/very/long/path" '
    'target="_blank" rel="nofollow noopener"><span class="invisible">https://</span>'
    '<span class="ellipsis">imgur.example/abc123/ve</span><span class="invisible">ry/long/path'
    "</span></a></p><p>שלום, مرحبا<br>second line &amp;amp; literal</p>"
    "<script>fetch('https://evil.example')</script><style>p{color:red}</style>"
    '<img src="https://tracker.example/p.gif" alt="x">'
)


def test_mastodon_html_becomes_faithful_text() -> None:
    assert html_to_text(MASTODON_HTML) == (
        "@nimbus bill is wrong & I'm <annoyed> 😤 see "
        "https://imgur.example/abc123/very/long/path\n\n"
        "שלום, مرحبا\nsecond line &amp; literal"
    )


def test_control_characters_are_removed_but_bidi_marks_kept() -> None:
    assert html_to_text("<p>a\x1b[31mb\u200fc\u202bd</p>") == "a[31mb\u200fc\u202bd"


def _response(headers: dict[str, str], status: int = 429) -> httpx.Response:
    return httpx.Response(status, headers=headers)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "30"}, 30),
        ({"Retry-After": format_datetime(datetime.fromtimestamp(NOW + 45, UTC), usegmt=True)}, 45),
        ({"x-rate-limit-reset": str(int(NOW + 120))}, 120),  # X: epoch seconds
        ({"X-RateLimit-Reset": "2027-01-15T08:00:20.000Z"}, None),  # Mastodon: ISO 8601
        ({}, 60),
    ],
)
def test_how_long_a_429_asks_us_to_wait(headers: dict[str, str], expected: float | None) -> None:
    delay = retry_after_seconds(_response(headers), NOW)
    if expected is None:
        iso = datetime.fromisoformat("2027-01-15T08:00:20+00:00").timestamp()
        expected = iso - NOW
    assert delay == pytest.approx(expected)


def test_exhausted_window_on_a_success_holds_the_host() -> None:
    control = RateControl(clock=lambda: NOW)
    ok = _response({"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(NOW + 90))}, 200)
    control.observe("api.x.com", ok)
    assert control.blocked_for("api.x.com") == pytest.approx(90)
    assert control.blocked_for("bsky.social") == 0
    assert reset_delay(ok.headers, NOW) == pytest.approx(90)

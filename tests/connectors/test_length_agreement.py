"""The composer (the tone check) and the reply sender count a reply the same way, as the network
does: a Mastodon reply the composer shows as fitting is posted, one it shows as over is refused
before posting, with the same numbers.

mastodon-mock refuses `len(text) > 500`, which is its shortcut, not Mastodon's rule (every URL
counts 23, a mention `@name@domain` counts as `@name`); so the connector runs here against a
local server that accepts what real Mastodon accepts, and the counting is checked by hand.
"""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs

import pytest

from app.connectors.base import PermanentError, ReplyRequest, check_reply_length
from app.connectors.mastodon import MastodonConnector
from app.models.enums import Network
from app.models.networks import addressed_reply, reply_length
from app.tone import FindingCode, check_reply
from tests.connectors.helpers import ReplayServer, fast_session

PARENT_ID = "109000000000000042"
STATUS = f"/api/v1/statuses/{PARENT_ID}"
STATUSES = "/api/v1/statuses"
DOMAIN = "@support-forum.example.social"
HANDLE = f"@dana{DOMAIN}"  # the customer's handle as the mention stores it
MENTION = "@acme@nimbus.example my phone has had no signal since Monday, what is going on?"
URLS = (
    "https://status.nimbus-mobile.com/incidents/2026-11-23/north-of-england/mast-repairs-ongoing",
    "https://help.nimbus-mobile.com/billing/refunds/service-credit-request-form?ref=social-reply",
    "https://coverage.nimbus-mobile.com/map/postcode-checker/?area=north-of-england&layer=4g-5g",
)


def mastodon_count(text: str) -> int:
    """What real Mastodon counts for `text` written with URLS and HANDLE in it (by hand, not
    with the code under test): every URL 23, the handle without its @domain."""
    length = len(text)  # the text has one grapheme per character
    for url in URLS:
        length -= text.count(url) * (len(url) - 23)
    return length - text.count(HANDLE) * len(DOMAIN)


def draft_of(length: int) -> str:
    """A reply with the three long URLs whose real count, once the sender puts the handle in
    front, is `length`."""
    text = (
        f"So sorry about the outage, Dana. Engineers are repairing the mast: {URLS[0]} . "
        f"You can ask for a service credit here: {URLS[1]} and check your area on {URLS[2]} ."
        " Send us a DM if it is not back by tonight and we will look at your line ourselves."
        " We know how much you rely on your phone and are sorry it let you down this week."
        " The team works on it around the clock and posts an update every few hours."
        " We appreciate your patience, Dana"
    )
    missing = length - mastodon_count(f"{HANDLE} {text}")
    assert missing > 0
    return text + "!" * missing


def test_the_example_is_what_it_claims() -> None:
    sent = f"{HANDLE} {draft_of(500)}"
    assert all(len(url) >= 80 for url in URLS)
    assert mastodon_count(sent) == 500
    assert len(sent) > 650  # far over 500 characters as plain len() counts them
    assert mastodon_count(f"{HANDLE} {draft_of(508)}") == 508


@pytest.fixture
def mastodon_server(replay: ReplayServer) -> ReplayServer:
    """A Mastodon API server with the customer's post; it takes any reply (the real limit is
    the sender's check) and records it."""
    replay.on(
        "GET",
        STATUS,
        (
            200,
            {
                "id": PARENT_ID,
                "content": f"<p>{MENTION}</p>",
                "visibility": "public",
                "account": {"id": "77", "acct": HANDLE[1:], "username": "dana"},
            },
        ),
    )

    replay.on("POST", STATUSES, (200, {"id": "109000000000000099", "url": "https://m.example/99"}))
    return replay


def connector(server: ReplayServer) -> MastodonConnector:
    return MastodonConnector(server.base_url, "brand-token", http=fast_session())


def request(body: str) -> ReplyRequest:
    return ReplyRequest(str(uuid.uuid4()), body, PARENT_ID, author_handle=HANDLE)


def posted_statuses(server: ReplayServer) -> list[str]:
    return [parse_qs(r.body.decode())["status"][0] for r in server.calls(STATUSES)]


async def test_a_reply_mastodon_takes_passes_the_composer_and_the_sender(
    mastodon_server: ReplayServer,
) -> None:
    draft = draft_of(500)
    # The composer's check, as it runs today (the draft alone) and with the customer's handle.
    for handle in (None, HANDLE):
        report = check_reply(draft, mention=MENTION, network=Network.MASTODON, handle=handle)
        assert FindingCode.TOO_LONG not in report.codes
    assert check_reply(draft, network=Network.MASTODON, handle=HANDLE).length == 500

    sent = addressed_reply(Network.MASTODON, draft, HANDLE)
    assert sent == f"{HANDLE} {draft}"
    check_reply_length(sent, Network.MASTODON)  # does not raise

    c = connector(mastodon_server)
    posted = await c.post_reply(request(draft))
    assert posted.external_id == "109000000000000099"
    assert posted_statuses(mastodon_server) == [sent]
    await c.aclose()


async def test_a_reply_over_the_limit_is_refused_by_both_with_the_same_numbers(
    mastodon_server: ReplayServer,
) -> None:
    draft = draft_of(508)
    report = check_reply(draft, mention=MENTION, network=Network.MASTODON, handle=HANDLE)
    (finding,) = report.by_code(FindingCode.TOO_LONG)
    assert (report.length, report.limit) == (508, 500)
    assert "508 of 500 characters as Mastodon counts them: 8 too many" in finding.message
    assert finding.end == len(draft)
    # The highlight starts at the first character past 500 as Mastodon counts (in the draft).
    sent = f"{HANDLE} {draft}"
    assert mastodon_count(sent[: len(HANDLE) + 1 + finding.start]) == 500

    message = "508 characters long as Mastodon counts them; Mastodon allows 500"
    with pytest.raises(PermanentError, match=message):
        check_reply_length(sent, Network.MASTODON)
    c = connector(mastodon_server)
    with pytest.raises(PermanentError, match=message):
        await c.post_reply(request(draft))
    assert mastodon_server.calls(STATUSES) == []
    await c.aclose()


async def test_the_handle_the_sender_puts_in_front_counts(mastodon_server: ReplayServer) -> None:
    """A draft that fits alone but not with `@dana` in front: the composer sees it once it
    passes the customer's handle, and the sender refuses it with the same numbers."""
    draft = draft_of(503)
    assert reply_length(draft, Network.MASTODON).length == 503 - len("@dana ")
    assert FindingCode.TOO_LONG not in check_reply(draft, network=Network.MASTODON).codes
    report = check_reply(draft, network=Network.MASTODON, handle=HANDLE)
    assert report.length == 503
    assert FindingCode.TOO_LONG in report.codes
    c = connector(mastodon_server)
    with pytest.raises(PermanentError, match="503 characters long"):
        await c.post_reply(request(draft))
    assert mastodon_server.calls(STATUSES) == []
    await c.aclose()


async def test_a_handle_the_rep_wrote_is_neither_repeated_nor_counted_twice(
    mastodon_server: ReplayServer,
) -> None:
    draft = f"{HANDLE} {draft_of(500)}"
    report = check_reply(draft, network=Network.MASTODON, handle=HANDLE)
    assert (report.length, FindingCode.TOO_LONG in report.codes) == (500, False)
    assert check_reply(draft, network=Network.MASTODON).length == 500
    c = connector(mastodon_server)
    await c.post_reply(request(draft))
    assert posted_statuses(mastodon_server) == [draft]
    await c.aclose()


@pytest.mark.parametrize(
    ("network", "limit", "handle", "draft"),
    [
        (Network.MASTODON, 500, "@dana@remote.example", "e\u0301" * (500 - len("@dana "))),
        (Network.MASTODON, 500, None, "see " + URLS[0] + " " + "a" * (500 - 4 - 23 - 1)),
        (Network.BLUESKY, 300, "@yuki.bsky.social", "👍🏽" * (300 - len("@yuki.bsky.social "))),
        (Network.X, 280, "@kev_on_call", "日" * 140),
    ],
)
def test_the_composer_and_the_sender_agree_at_the_limit(
    network: Network, limit: int, handle: str | None, draft: str
) -> None:
    for extra in (0, 1):
        text = draft + "a" * extra
        report = check_reply(text, network=network, handle=handle)
        sent = addressed_reply(network, text, handle)
        assert report.length == limit + extra
        assert (FindingCode.TOO_LONG in report.codes) is bool(extra)
        if extra:
            with pytest.raises(PermanentError, match=f"is {limit + 1} .* allows {limit}"):
                check_reply_length(sent, network)
        else:
            check_reply_length(sent, network)

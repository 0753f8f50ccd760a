"""What the composer shows, worded from the one network table: the heading and the brand
account name the network as the table does; the counter counts as the network does and warns
near and over the limit; the countdown says when it waits for the connection and why it is
longer; a colleague's reply is quoted with its author."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.client.composer.cooling import ColleagueReply, CoolingReply, CoolingState
from app.client.composer.display import (
    CounterLevel,
    account,
    conflict,
    countdown,
    counter,
    draft_question,
    heading,
)
from app.client.composer.drafts import DraftConflict
from app.client.stream.rows import MentionRow
from app.models.enums import MentionStatus, Network
from app.models.networks import reply_length, rules_for

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _row(network: Network) -> MentionRow:
    return MentionRow(
        id=1,
        network=network,
        author_handle="@sam",
        author_name="Sam",
        text="My order is late",
        created_at=NOW,
        status=MentionStatus.ASSIGNED,
        assignee_id=1,
        assignee_name="dana",
        version=2,
        priority=0.5,
    )


def _reply(**changes: Any) -> CoolingReply:
    base = CoolingReply(
        seq=1,
        mention_id=1,
        client_id="c",
        body="Sorry!",
        base_version=2,
        due_at=NOW + timedelta(seconds=20),
        queued_at=NOW,
        heated=False,
        state=CoolingState.COUNTING,
    )
    return replace(base, **changes)


@pytest.mark.parametrize("network", list(Network))
def test_network_names_come_from_the_table(network: Network) -> None:
    name = rules_for(network).display_name
    assert heading(_row(network)) == f"Reply to @sam on {name}"
    assert account(network, None) == f"as the brand's {name} account"
    assert account(network, "Acme") == f"as Acme on {name}"
    assert heading(None) == "Reply"


def test_the_counter_counts_as_the_network_does() -> None:
    url = "https://example.com/" + "a" * 80
    text = f"See {url}"
    shown = counter(text, Network.MASTODON)
    assert shown.text == f"{reply_length(text, Network.MASTODON).length} / 500 (Mastodon)"
    assert shown.text == "27 / 500 (Mastodon)"  # a URL counts as 23 there
    assert counter("a" * 480, Network.MASTODON).level is CounterLevel.PLAIN  # 20 left
    assert counter("a" * 481, Network.MASTODON).level is CounterLevel.NEAR
    assert counter("a" * 261, Network.X).level is CounterLevel.NEAR
    assert counter("a" * 281, Network.X).level is CounterLevel.OVER
    assert counter("a" * 2000, Network.FEED).text == "2000 characters"


def test_the_countdown_says_what_it_waits_for() -> None:
    assert countdown(_reply(), NOW, heated_now=False).text.startswith("Sending in 20 s")
    assert countdown(_reply(), NOW + timedelta(seconds=0.2), heated_now=False).text.startswith(
        "Sending in 20 s"  # rounded up: it never says 0 before it leaves
    )
    due = countdown(_reply(waiting_for_network=True), NOW + timedelta(seconds=30), heated_now=True)
    assert due.text.startswith("Due — waiting for the connection")
    assert not due.send_now_allowed
    heated = countdown(_reply(heated=True), NOW, heated_now=False)
    assert heated.text.endswith("(Longer cool-off: heat or blame, or an angry customer.)")


def test_a_conflict_quotes_the_colleague() -> None:
    stopped = _reply(
        state=CoolingState.CONFLICT,
        detail="Mia replied to this customer while yours was waiting.",
        colleague_replies=(ColleagueReply("Mia", "Refunded!", NOW),),
    )
    shown = conflict(stopped)
    assert shown.detail == "Mia replied to this customer while yours was waiting."
    assert shown.colleague == "Mia: Refunded!"
    assert conflict(_reply(state=CoolingState.CONFLICT)).colleague is None
    question = draft_question(DraftConflict(1, "mine", "theirs", "", 3))
    assert "also changed on another workstation" in question
    assert question.endswith("“theirs”")

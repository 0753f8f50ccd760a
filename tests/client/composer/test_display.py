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
from app.client.composer.policy import SendRefused, check_sendable
from app.client.composer.prompting import check_reply
from app.client.stream.rows import MentionRow
from app.connectors.base import PermanentError, check_reply_length
from app.models.enums import MentionStatus, Network
from app.models.networks import addressed_reply, reply_length, rules_for
from app.tone import FindingCode

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
    # an account named as its network is not said twice ("as demo on Demo")
    assert account(network, name.lower()) == f"as the {name} account"
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


def test_the_composer_counts_the_customers_handle_as_the_sender_does() -> None:
    """The sender puts the customer's @handle in front of a Mastodon reply: a draft that fits
    only without it is over in the composer too (counter, tone check, Send), with the numbers
    the sender refuses it with."""
    handle = "@dana@support-forum.example.social"
    body = "a" * 495  # 501 with "@dana " in front: the domain is free on Mastodon
    shown = counter(body, Network.MASTODON, handle)
    assert shown.level is CounterLevel.OVER
    assert shown.text == "501 / 500 (Mastodon)"
    report = check_reply(body, mention=None, network=Network.MASTODON, handle=handle)
    assert FindingCode.TOO_LONG in {finding.code for finding in report.findings}
    with pytest.raises(SendRefused, match="501 characters; Mastodon takes 500"):
        check_sendable(body, report)
    with pytest.raises(PermanentError, match="501 characters"):
        check_reply_length(addressed_reply(Network.MASTODON, body, handle), Network.MASTODON)

    assert counter("", Network.MASTODON, handle).text == "0 / 500 (Mastodon)"
    assert counter("Hi", Network.MASTODON, handle).text == "8 / 500 (Mastodon)"

    fitting = "a" * 494
    assert counter(fitting, Network.MASTODON, handle).text == "500 / 500 (Mastodon)"
    check_sendable(
        fitting, check_reply(fitting, mention=None, network=Network.MASTODON, handle=handle)
    )
    check_reply_length(addressed_reply(Network.MASTODON, fitting, handle), Network.MASTODON)


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

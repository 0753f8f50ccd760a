"""The request types every wire schema shares (app/models/schemas.py): ids and counts end where
the database's columns end, JSON numbers and booleans are strict, text never carries NUL; and a
connector that builds the same schemas keeps a mention whose network sends an odd count."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.connectors.base import IncomingMention
from app.connectors.mastodon import MastodonConnector
from app.models.composer import DraftUpdate
from app.models.schemas import (
    INT32_MAX,
    AssignRequest,
    BroadcastCreate,
    ClaimRequest,
    HandoffCreate,
    MentionCreate,
    follower_count,
)
from app.models.team_schemas import TeamMembersUpdate


def test_ids_and_versions_end_at_their_columns() -> None:
    assert ClaimRequest(version=INT32_MAX).version == INT32_MAX
    for version in (INT32_MAX + 1, 0, True, 1.0, "1"):
        with pytest.raises(ValidationError):
            ClaimRequest.model_validate({"version": version})
    with pytest.raises(ValidationError):
        AssignRequest.model_validate({"user_id": INT32_MAX + 1})
    with pytest.raises(ValidationError):
        TeamMembersUpdate.model_validate({"user_ids": [1, INT32_MAX + 1]})
    assert HandoffCreate(mention_id=2**63 - 1, to_user_id=1).mention_id == 2**63 - 1
    with pytest.raises(ValidationError):
        HandoffCreate.model_validate({"mention_id": 2**63, "to_user_id": 1})
    with pytest.raises(ValidationError):
        DraftUpdate.model_validate({"body": "x", "base_revision": INT32_MAX + 1})


def test_json_is_strict_too() -> None:
    with pytest.raises(ValidationError):
        ClaimRequest.model_validate_json('{"version": true}')
    with pytest.raises(ValidationError):
        ClaimRequest.model_validate_json('{"version": 2.0}')
    assert ClaimRequest.model_validate_json('{"version": 2}').version == 2


def test_nul_is_taken_out_before_the_length_rules() -> None:
    assert BroadcastCreate(text="Out\x00age").text == "Outage"
    with pytest.raises(ValidationError):
        BroadcastCreate(text="\x00")  # nothing left: too short
    mention = MentionCreate.model_validate(
        {
            "network": "mastodon",
            "external_id": "a\x00b",
            "author": {"handle": "@x\x00y", "display_name": "\x00"},
            "text": "hi\x00",
        }
    )
    assert (mention.external_id, mention.author.handle, mention.text) == ("ab", "@xy", "hi")
    assert mention.author.display_name == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, 12),
        (0, 0),
        (INT32_MAX, INT32_MAX),
        (INT32_MAX + 1, None),
        (-1, None),
        (True, None),
        (12.0, None),
        ("12", None),
        (None, None),
    ],
)
def test_follower_count(value: object, expected: int | None) -> None:
    assert follower_count(value) == expected


@pytest.mark.parametrize("followers", [2**40, True, -5, "many"])
def test_a_connector_keeps_a_mention_with_an_odd_follower_count(followers: object) -> None:
    connector = MastodonConnector("http://127.0.0.1:9", "token")
    status = {
        "id": "1",
        "content": "<p>Hello\x00 there</p>",
        "created_at": "2026-11-30T10:00:00Z",
        "account": {"id": "7", "acct": "ann", "followers_count": followers},
    }
    incoming = connector.incoming_from_status(status)
    assert isinstance(incoming, IncomingMention), incoming
    mention = incoming.mention
    assert mention.author.followers is None
    assert "\x00" not in mention.text

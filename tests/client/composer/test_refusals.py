"""What the rep reads when the network refuses a reply that left: the reason in the user's
words (revoked brand token, deleted post, rejected text), always with "Your draft is kept"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.client.composer.service import refusal_message
from app.models.enums import ReplyStatus
from app.models.schemas import ReplyPublic, UserRef


def _failed(error: str | None) -> ReplyPublic:
    return ReplyPublic(
        id=1,
        client_id="c",
        mention_id=7,
        author=UserRef(id=1, name="dana"),
        body="Sorry!",
        status=ReplyStatus.FAILED,
        error=error,
        created_at=datetime(2026, 11, 23, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ("401 Unauthorized: The access token was revoked", "token may be revoked"),
        ("404 Record not found", "deleted upstream"),
        ("422 Validation failed: Text character limit of 500 exceeded", "rejected the text"),
        (None, "rejected the text"),
    ],
)
def test_refusals_say_why_and_keep_the_draft(error: str | None, expected: str) -> None:
    message = refusal_message(_failed(error))
    assert expected in message
    assert message.endswith("Your draft is kept.")

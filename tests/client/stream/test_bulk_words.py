"""The sentence that sums up an action on a selection, from the server's results."""

from __future__ import annotations

from app.client.stream.bulk import check_back_question, offline_words, sum_up, too_many
from app.models.bulk_schemas import BulkAction, BulkItemResult, BulkOutcome
from app.models.schemas import UserRef

DANA, BEN, ME = UserRef(id=2, name="Dana"), UserRef(id=3, name="Ben"), UserRef(id=1, name="Ana")


def _ok(i: int) -> BulkItemResult:
    return BulkItemResult(mention_id=i, ok=True)


def _left(i: int, code: BulkOutcome, reason: str, owner: UserRef | None) -> BulkItemResult:
    return BulkItemResult(
        mention_id=i, ok=False, code=code, reason=reason, current_owner=owner, message="No."
    )


def test_what_was_done_then_whose_the_others_are() -> None:
    results = [_ok(i) for i in range(197)] + [
        _left(900, BulkOutcome.FORBIDDEN, "not_owner", DANA),
        _left(901, BulkOutcome.CONFLICT, "stale_version", BEN),
        _left(902, BulkOutcome.FORBIDDEN, "not_owner", DANA),
    ]
    assert sum_up(BulkAction.RESOLVE, results, me=1) == (
        "197 resolved; 3 belong to Dana, Ben — left as they were."
    )


def test_one_colleague_changes_meanwhile_and_refusals() -> None:
    results = [
        _ok(1),
        _left(2, BulkOutcome.FORBIDDEN, "not_owner", DANA),
        _left(3, BulkOutcome.CONFLICT, "stale_version", None),
        _left(4, BulkOutcome.CONFLICT, "already_resolved", ME),
        _left(5, BulkOutcome.NOT_FOUND, "not_found", None),
        _left(6, BulkOutcome.BUSY, "busy", None),
    ]
    assert sum_up(BulkAction.RESOLVE, results, me=1) == (
        "1 resolved; 1 belongs to Dana — left as they were; 1 changed meanwhile — left as they "
        "were; 1 already resolved; 1 no longer on the server; 1 not tried: the server was busy — "
        "select them and try again."
    )
    assert sum_up(BulkAction.CLAIM, results[1:2], me=1).startswith("None claimed; ")


def test_the_questions_and_refusals() -> None:
    assert check_back_question(BulkAction.RESOLVE, 200) == "Resolve 200 mentions?"
    assert check_back_question(BulkAction.HANDOFF, 2) == "Hand off 2 mentions?"
    assert too_many(500) is None
    assert "at most 500" in (too_many(501) or "")
    assert offline_words(BulkAction.TAG, 3).startswith("Not connected: to tag 3 mentions")

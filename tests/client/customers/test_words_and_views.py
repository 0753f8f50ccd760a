"""The customer history's words (how long ago, newest first, the shown mention's own line left
out) and a saved view's round trip between the stream's state and what the server keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.client.customers.history import ago, customer_history
from app.client.customers.views import saved_form, view_of
from app.models.customer_schemas import CustomerPublic, SavedViewPublic

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _mention(mention_id: int, network: str, handle: str, text: str, days: int) -> dict[str, object]:
    at = (NOW - timedelta(days=days)).isoformat()
    return {
        "id": mention_id,
        "network": network,
        "external_id": f"e{mention_id}",
        "author": {"handle": handle, "display_name": "Dana"},
        "text": text,
        "url": None,
        "created_at": at,
        "ingested_at": at,
        "updated_at": at,
        "status": "resolved",
        "assignee_id": None,
        "version": 1,
        "priority": 10.0,
        "sentiment": 0.0,
        "risk_words": [],
        "tags": ["refund"] if mention_id == 1 else [],
    }


def test_ago_in_words() -> None:
    assert ago(NOW - timedelta(seconds=20), NOW) == "just now"
    assert ago(NOW - timedelta(minutes=5), NOW) == "5 min ago"
    assert ago(NOW - timedelta(hours=3), NOW) == "3 h ago"
    assert ago(NOW - timedelta(days=3, hours=2), NOW) == "3 d ago"


def test_history_newest_first_without_the_shown_mention() -> None:
    customer = CustomerPublic.model_validate(
        {
            "id": 7,
            "display_name": "Dana",
            "identities": [
                {"network": "mastodon", "handle": "@dana", "display_name": "Dana"},
                {"network": "bluesky", "handle": "dana.bsky.social", "display_name": "Dana"},
            ],
            "language": "en",
            "reach": 1240,
            "mentions": [
                _mention(2, "bluesky", "dana.bsky.social", "Still nothing", 1),
                _mention(1, "mastodon", "@dana", "Parcel   lost\nagain", 3),
            ],
            "replies": [],
            "notes": [
                {
                    "id": 1,
                    "mention_id": 1,
                    "author": {"id": 2, "name": "Ben"},
                    "body": "Refunded once already",
                    "created_at": (NOW - timedelta(days=2)).isoformat(),
                }
            ],
            "open_handoffs": [],
        }
    )
    history = customer_history(customer)
    assert history.identities == "Mastodon @dana · Bluesky dana.bsky.social"
    assert history.facts == "Reach 1,240 · Language en · 2 mentions"
    assert history.line_texts(NOW, but=2) == [
        "2 d ago · Note by Ben: “Refunded once already”",
        "3 d ago · Wrote on Mastodon (resolved) [refund]: “Parcel lost again”",
    ]


def test_a_saved_view_round_trip() -> None:
    state = {
        "mode": "all",
        "network": "bluesky",
        "priority": "",
        "status": "",
        "tag": "refund",
        "q": "parcel",
        "sort_column": "priority",
        "sort_order": "descending",
    }
    form = saved_form("Refunds", state, ["network", "text"])
    assert form.filters == {"mode": "all", "network": "bluesky", "tag": "refund", "q": "parcel"}
    assert form.sort == "priority:descending"
    public = SavedViewPublic(
        id=3,
        name=form.name,
        filters=form.filters,
        sort=form.sort,
        columns=form.columns,
        created_at=NOW,
        updated_at=NOW,
    )
    view = view_of(public)
    assert view.state == {k: v for k, v in state.items() if v}
    assert view.columns == ("network", "text")
    newest = view_of(public.model_copy(update={"sort": "newest"}))
    assert (newest.state["sort_column"], newest.state["sort_order"]) == ("", "descending")

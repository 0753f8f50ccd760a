"""Customers, tags and saved views (DESIGN.md part 2, issue 16), on SQLite and PostgreSQL:
ingest gives every mention a customer (one per network and handle, case aside); a customer's
page holds their mentions, the brand's replies, the notes and the open handoffs; linking
merges two customers into one; tags are set, folded, filtered on and held to a team's fixed
list; saved views belong to their person. The migration gives existing mentions customers."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from app.models.enums import Role
from app.models.tables import UTCDateTime
from app.server.auth import USER_TOKEN, Principal
from app.server.db import open_database
from app.server.errors import Invalid
from app.server.migrate import alembic_config, upgrade_to_head
from app.server.services.customers import customers_of
from app.server.services.tags import add_tags, set_tags
from tests.server.helpers import World, poll
from tests.support.live_server import mention_json
from tests.support.postgres import temporary_postgres_database

_ids = itertools.count(1)


def _post(w: World, handle: str, text: str = "Hello, my order is late", **fields: Any) -> int:
    item = {**mention_json(f"cust-{next(_ids)}", text), **fields}
    item["author"] = {"handle": handle, "display_name": fields.get("name", "A Customer")}
    if "followers" in fields:
        item["author"]["followers"] = fields["followers"]
    item.pop("name", None)
    item.pop("followers", None)
    response = w.call("POST", "/mentions", json=[item])
    assert response.status_code == 200, response.text
    return int(response.json()["created"][0])


def _mention(w: World, mention_id: int, who: str | None = None) -> dict[str, Any]:
    response = w.call("GET", f"/mentions/{mention_id}", who)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _team(w: World, name: str) -> int:
    return next(t["id"] for t in w.call("GET", "/teams").json()["data"] if t["name"] == name)


# --- customers ----------------------------------------------------------------------------------


def test_one_customer_per_network_and_handle(team_app: World) -> None:
    w = team_app
    w.user("ana")
    first = _post(w, "@Dana")
    again = _post(w, "@dana ")
    other_network = _post(w, "@dana", network="bluesky", external_id="at://did:plc:x/app/1")
    someone_else = _post(w, "@dan")
    ids = {m: _mention(w, m, "ana")["customer_id"] for m in (first, again, other_network)}
    assert ids[first] == ids[again]
    assert ids[other_network] != ids[first]
    assert _mention(w, someone_else)["customer_id"] not in ids.values()
    # A batch with one new handle twice, one known and one new: one customer each.
    items = [
        {**mention_json(f"batch-{n}", "hi"), "author": {"handle": handle, "display_name": ""}}
        for n, handle in enumerate(["@New", "@new", "@DANA", "@other"])
    ]
    created = w.call("POST", "/mentions", json=items).json()["created"]
    customers = [_mention(w, m)["customer_id"] for m in created]
    assert customers[0] == customers[1]
    assert customers[2] == ids[first]
    assert len(set(customers)) == 3
    # The mention.created event carries it too.
    event = next(e for e in w.events("mention.created") if e.mention_id == created[3])
    assert event.payload["mention"]["customer_id"] == customers[3]
    assert event.payload["mention"]["tags"] == []


def test_customer_page_holds_the_history(team_app: World) -> None:
    w = team_app
    w.user("ana")
    w.user("ben")
    older = _post(w, "@Dana", "My parcel never came", followers=120, language="en")
    w.clock.advance(hours=2)
    newer = _post(w, "@dana", "Still waiting!!", name="Dana Ray", followers=150)
    w.call("POST", f"/mentions/{older}/notes", "ana", {"body": "Asked @ben about it"})
    w.call("POST", f"/mentions/{newer}/claim", "ana", {"version": 1})
    handoff = w.call(
        "POST", "/handoffs", "ana", {"mention_id": newer, "to_user_id": w.ids["ben"], "note": "n"}
    )
    assert handoff.status_code in (200, 201), handoff.text
    customer_id = _mention(w, newer)["customer_id"]
    page = w.call("GET", f"/customers/{customer_id}", "ben")
    assert page.status_code == 200, page.text
    body = page.json()
    assert body["display_name"] == "Dana Ray"
    assert body["identities"] == [
        {"network": "mastodon", "handle": "@dana", "display_name": "Dana Ray"}
    ]
    assert [m["id"] for m in body["mentions"]] == [newer, older]
    assert body["reach"] == 150
    assert body["language"] == "en"
    assert [n["body"] for n in body["notes"]] == ["Asked @ben about it"]
    assert [h["mention_id"] for h in body["open_handoffs"]] == [newer]
    assert body["replies"] == []
    assert w.call("GET", "/customers/999999", "ben").status_code == 404


def test_link_merges_two_customers(team_app: World) -> None:
    w = team_app
    w.user("ana")
    on_mastodon = _post(w, "@dana", followers=100)
    on_bluesky = _post(
        w, "dana.bsky.social", network="bluesky", external_id="at://did:plc:d/app/1", followers=40
    )
    keep = _mention(w, on_mastodon)["customer_id"]
    merged = _mention(w, on_bluesky)["customer_id"]
    after = w.last_event_id()
    linked = w.call("POST", f"/customers/{keep}/link", "ana", {"customer_id": merged})
    assert linked.status_code == 200, linked.text
    assert linked.json() == {"customer_id": keep, "merged_id": merged, "moved_mentions": 1}
    assert _mention(w, on_bluesky)["customer_id"] == keep
    assert w.call("GET", f"/customers/{merged}", "ana").status_code == 404
    page = w.call("GET", f"/customers/{keep}", "ana").json()
    assert {i["network"] for i in page["identities"]} == {"mastodon", "bluesky"}
    assert {m["id"] for m in page["mentions"]} == {on_mastodon, on_bluesky}
    assert page["reach"] == 140
    [event] = w.events("customer.linked", after=after)
    assert event.payload == {"customer_id": keep, "merged_id": merged, "moved_mentions": 1}
    # A new mention from the linked handle joins the one customer.
    later = _post(w, "Dana.bsky.social", network="bluesky", external_id="at://did:plc:d/app/2")
    assert _mention(w, later)["customer_id"] == keep
    same = w.call("POST", f"/customers/{keep}/link", "ana", {"customer_id": keep})
    assert same.status_code == 422
    gone = w.call("POST", f"/customers/{keep}/link", "ana", {"customer_id": merged})
    assert gone.status_code == 404


# --- tags ---------------------------------------------------------------------------------------


def test_tags_are_folded_filtered_and_told(team_app: World) -> None:
    w = team_app
    w.user("ana")
    one = _post(w, "@a")
    two = _post(w, "@b")
    after = w.last_event_id()
    tagged = w.call(
        "PUT", f"/mentions/{one}/tags", "ana", {"tags": [" Refund ", "refund", "VIP  client"]}
    )
    assert tagged.status_code == 200, tagged.text
    assert tagged.json()["tags"] == ["refund", "vip client"]
    assert tagged.json()["version"] == 2
    w.call("PUT", f"/mentions/{two}/tags", "ana", {"tags": ["refund"]})
    [first, _second] = w.events("mention.updated", after=after)
    assert first.payload["action"] == "tagged"
    assert first.payload["mention"]["tags"] == ["refund", "vip client"]

    def listed(*tags: str) -> list[int]:
        response = w.call("GET", "/mentions", "ana", tag=list(tags))
        assert response.status_code == 200, response.text
        return sorted(m["id"] for m in response.json()["data"])

    assert listed("REFUND") == sorted([one, two])
    assert listed("refund", "vip client") == [one]
    assert listed("nothing") == []
    offered = w.call("GET", "/tags", "ana").json()
    assert offered["tags"] == ["refund", "vip client"]
    assert offered["in_use"] == [{"tag": "refund", "count": 2}, {"tag": "vip client", "count": 1}]
    # The same tags again change nothing; [] takes them off.
    same = w.call("PUT", f"/mentions/{one}/tags", "ana", {"tags": ["vip client", "refund"]})
    assert same.json()["version"] == 3  # the order is the user's: it changed
    cleared = w.call("PUT", f"/mentions/{one}/tags", "ana", {"tags": []})
    assert cleared.json()["tags"] == []
    assert listed("vip client") == []
    history = [h["summary"] for h in _mention(w, one, "ana")["history"]]
    assert "ana tagged it: refund, vip client" in history
    assert "ana took its tags off" in history


def test_bad_tags_are_refused(team_app: World) -> None:
    w = team_app
    w.user("ana")
    mention = _post(w, "@a")
    for tags in (["  "], ["x" * 41], [f"t{n}" for n in range(21)]):
        response = w.call("PUT", f"/mentions/{mention}/tags", "ana", {"tags": tags})
        assert response.status_code == 422, (tags, response.text)
    assert w.call("PUT", "/mentions/999999/tags", "ana", {"tags": ["a"]}).status_code == 404
    assert w.call("PUT", f"/mentions/{mention}/tags", "ana", {"tags": "a"}).status_code == 422


def test_a_fixed_list_refuses_other_tags(team_app: World) -> None:
    w = team_app
    w.user("boss", role="manager")
    w.user("ana", teams=["billing"])
    w.user("cy")
    billing = _team(w, "billing")
    assert w.call("GET", f"/teams/{billing}/tags", "ana").json()["saved"] is False
    refused = w.call("PUT", f"/teams/{billing}/tags", "ana", {"fixed": True, "tags": ["refund"]})
    assert refused.status_code == 403
    untagged = _post(w, "@a")
    w.call("PUT", f"/mentions/{untagged}/tags", "ana", {"tags": ["legacy"]})
    saved = w.call(
        "PUT", f"/teams/{billing}/tags", "boss", {"fixed": True, "tags": ["Refund", "invoice"]}
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["tags"] == ["refund", "invoice"]
    assert saved.json()["updated_by"]["name"] == "boss"
    # A mention with no team: the tagger's teams' lists apply.
    outside = w.call(
        "PUT", f"/mentions/{untagged}/tags", "ana", {"tags": ["legacy", "refund", "Angry", "x"]}
    )
    assert outside.status_code == 422
    assert outside.json()["code"] == "tag_not_on_list"
    assert "“angry”, “x”" in outside.json()["detail"]
    kept = w.call("PUT", f"/mentions/{untagged}/tags", "ana", {"tags": ["legacy", "refund"]})
    assert kept.status_code == 200, kept.text
    # Someone in no team with a list tags freely.
    assert w.call("PUT", f"/mentions/{untagged}/tags", "cy", {"tags": ["angry"]}).status_code == 200
    # A mention routed to the team: its list applies whoever tags.
    w.call("PUT", f"/teams/{billing}/routing", "boss", {"keywords": ["invoice"]})
    routed = _post(w, "@b", "Where is my invoice?")
    assert _mention(w, routed)["team_id"] == billing
    assert w.call("PUT", f"/mentions/{routed}/tags", "cy", {"tags": ["angry"]}).status_code == 422
    assert w.call("PUT", f"/mentions/{routed}/tags", "cy", {"tags": ["invoice"]}).status_code == 200
    lists = w.call("GET", "/tags", "cy").json()["lists"]
    assert [(t["team"], t["fixed"], t["tags"]) for t in lists] == [
        ("billing", True, ["refund", "invoice"])
    ]


def test_add_tags_keeps_the_ones_there(team_app: World) -> None:
    """The service function bulk tagging calls (app/server/services/tags.py)."""
    w = team_app
    ana = w.user("ana")
    mention = _post(w, "@a")
    by = Principal(kind=USER_TOKEN, name="ana", user_id=ana, role=Role.REP)
    with w.db.write() as session:
        set_tags(session, mention, ["one"], by=by, now=w.clock())
    with w.db.write() as session:
        public = add_tags(session, mention, ["Two", "one"], by=by, now=w.clock())
    assert public.tags == ["one", "two"]
    with pytest.raises(Invalid, match="at most 20"), w.db.write() as session:
        add_tags(session, mention, [f"t{n}" for n in range(19)], by=by, now=w.clock())
    assert _mention(w, mention)["tags"] == ["one", "two"]


# --- saved views --------------------------------------------------------------------------------


def test_saved_views_belong_to_their_person(team_app: World) -> None:
    w = team_app
    w.user("ana")
    w.user("ben")
    view = {
        "name": "Refunds",
        "filters": {"status": "open", "tag": ["refund"], "mentioned": False, "limit": 3},
        "sort": "priority",
        "columns": ["author", "text", "due"],
    }
    created = w.call("POST", "/me/views", "ana", view)
    assert created.status_code == 201, created.text
    view_id = created.json()["id"]
    assert created.json()["filters"] == view["filters"]
    assert w.call("POST", "/me/views", "ana", {**view, "name": "refunds"}).status_code == 409
    assert w.call("POST", "/me/views", "ben", view).status_code == 201
    assert [v["name"] for v in w.call("GET", "/me/views", "ana").json()["data"]] == ["Refunds"]
    assert w.call("PUT", f"/me/views/{view_id}", "ben", {"name": "Mine"}).status_code == 404
    assert w.call("DELETE", f"/me/views/{view_id}", "ben").status_code == 404
    renamed = w.call("PUT", f"/me/views/{view_id}", "ana", {"name": "  Money  back "})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Money back"
    assert renamed.json()["sort"] == "priority"
    for bad in (
        {"name": ""},
        {"name": "x", "filters": {"q": {"nested": 1}}},
        {"name": "x", "filters": {f"k{n}": 1 for n in range(21)}},
        {"name": "x", "columns": "text"},
        {"name": "x", "unknown": 1},
    ):
        assert w.call("POST", "/me/views", "ana", bad).status_code == 422, bad
    assert w.call("DELETE", f"/me/views/{view_id}", "ana").status_code == 204
    assert w.call("GET", "/me/views", "ana").json() == {"data": [], "count": 0}


# --- the migration ------------------------------------------------------------------------------


def _check_backfill(url: str) -> None:
    db = open_database(url)
    config = alembic_config()
    posted = datetime.now(UTC) - timedelta(days=3)
    mentions = sa.table(
        "mentions",
        *(sa.column(name) for name in ("network", "external_id", "author_handle", "text")),
        *(sa.column(name) for name in ("author_display_name", "is_demo", "status", "version")),
        sa.column("priority"),
        sa.column("sentiment"),
        sa.column("risk_words", sa.JSON),
        sa.column("raw", sa.JSON),
        sa.column("follow_up_done"),
        *(sa.column(name, UTCDateTime()) for name in ("created_at", "ingested_at", "updated_at")),
    )
    authors = [
        ("mastodon", "@Émile", "Émile"),
        ("mastodon", "@émile", "Émile B."),
        ("bluesky", "@émile", ""),
        ("mastodon", "@zoe", "Zoë"),
    ]
    try:
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0018_routing_targets")
            for n, (network, handle, name) in enumerate(authors):
                connection.execute(
                    mentions.insert().values(
                        network=network,
                        external_id=f"old-{n}",
                        author_handle=handle,
                        author_display_name=name,
                        text="hello",
                        is_demo=False,
                        status="new",
                        version=1,
                        priority=1.0,
                        sentiment=0.0,
                        risk_words=[],
                        raw={},
                        follow_up_done=False,
                        created_at=posted + timedelta(minutes=n),
                        ingested_at=posted,
                        updated_at=posted,
                    )
                )
        upgrade_to_head(db)
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT external_id, customer_id, tags FROM mentions ORDER BY external_id")
            ).all()
            customer = {external_id: customer_id for external_id, customer_id, _tags in rows}
            assert None not in customer.values()
            assert customer["old-0"] == customer["old-1"]
            assert len({customer["old-0"], customer["old-2"], customer["old-3"]}) == 3
            identities = connection.execute(
                sa.text(
                    "SELECT network, handle_key, handle, customer_id FROM customer_identities "
                    "ORDER BY customer_id"
                )
            ).all()
            assert len(identities) == 3
            assert ("mastodon", "@émile", "@émile", customer["old-1"]) in [
                tuple(i) for i in identities
            ]
        # New customers made after the migration do not collide with the ones it made.
        with db.write() as session:
            made = customers_of(session, [("x", "@someone", "")], now=datetime.now(UTC))
            assert next(iter(made.values())) > max(customer.values())
    finally:
        db.dispose()


def test_sqlite_backfill_of_customers(tmp_path: Path) -> None:
    _check_backfill(f"sqlite:///{tmp_path / 'customers.sqlite3'}")


def test_postgres_backfill_of_customers() -> None:
    with temporary_postgres_database() as url:
        _check_backfill(url)


def test_two_ingests_meeting_one_new_handle_agree_on_postgres() -> None:
    """Two transactions make the same new customer at once (two server processes ingesting):
    the second waits on the first's identity, then takes its customer, and deletes its own
    spare one."""
    with temporary_postgres_database() as url:
        db = open_database(url)
        try:
            upgrade_to_head(db)
            now = datetime.now(UTC)
            authors = [("mastodon", "@Race", "R"), ("mastodon", "@calm", "C")]
            first = db.write_sessions()
            first.begin()
            made_first = customers_of(first, authors, now=now)
            second_result: dict[tuple[str, str], int] = {}

            def second_ingest() -> None:
                with db.write() as second:
                    second_result.update(customers_of(second, authors[:1], now=now))

            worker = threading.Thread(target=second_ingest)
            worker.start()
            with db.engine.connect() as watcher:
                poll(
                    lambda: watcher.scalar(
                        sa.text(
                            "SELECT count(*) FROM pg_stat_activity "
                            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                        )
                    ),
                    what="the second ingest waiting on the first's identity",
                )
            first.commit()
            first.close()
            worker.join(timeout=30)
            assert not worker.is_alive()
            assert second_result == {("mastodon", "@race"): made_first[("mastodon", "@race")]}
            with db.engine.connect() as connection:
                count = connection.scalar(sa.text("SELECT count(*) FROM customers"))
            assert count == 2  # @race and @calm: the second ingest's spare one is gone
        finally:
            db.dispose()

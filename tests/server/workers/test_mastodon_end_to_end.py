"""A real server process and a real Mastodon-API server (mastodon-mock): accounts added through
the real command line while the server runs, mentions arriving on the server's event stream,
threaded replies posted exactly once, and the per-account state through every fault."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

import httpx
import pytest

from tests.connectors.helpers import BRAND_TOKEN, MastodonMock
from tests.server.helpers import (
    account_cli,
    accounts,
    add_mastodon_account,
    events_from_now,
    is_account,
    is_mention,
    is_reply,
    poll,
    reply,
)
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.slow


def test_account_added_while_running_ingests_and_replies_threaded(
    server: LiveServer, mastodon: MastodonMock
) -> None:
    with events_from_now(server) as events:
        account_id = add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
        events.wait(is_account("acme", "ok"))
        post = mastodon.post("alice", "@acme my order is late! <b>help</b>")
        created = events.wait(is_mention(post["id"]))
        mention = created.data["payload"]["mention"]
        assert mention["account_id"] == account_id
        assert mention["text"] == "@acme my order is late! <b>help</b>"
        assert mention["author"]["handle"] == "@alice"

        client_id = str(uuid.uuid4())
        queued = reply(server, mention, "Sorry about that, we are checking.", client_id)
        assert queued.status_code == 202, queued.text
        sent = events.wait(is_reply(client_id, "sent", "failed"))
        payload = sent.data["payload"]
        assert payload["reply"]["status"] == "sent", payload["reply"]["error"]
        assert payload["mention"]["id"] == mention["id"]
        assert payload["mention"]["status"] == "replied"

        [status] = mastodon.context(post["id"])["descendants"]
        assert status["in_reply_to_id"] == post["id"]
        assert status["visibility"] == "public"
        assert payload["reply"]["external_id"] == status["id"]
        assert payload["reply"]["external_url"] == status["url"]
        assert "@alice" in status["content"]

        # The same client_id again: the same reply, nothing posted twice.
        again = reply(server, mention, "Sorry about that, we are checking.", client_id)
        assert again.status_code == 202
        assert again.json()["id"] == payload["reply"]["id"]

        # A direct message gets a direct reply, never a wider one.
        private = mastodon.post("bob", "@acme my address is 1 Main St", visibility="direct")
        dm = events.wait(is_mention(private["id"])).data["payload"]["mention"]
        dm_client = str(uuid.uuid4())
        assert reply(server, dm, "Thanks, we got it.", dm_client).status_code == 202
        assert events.wait(is_reply(dm_client, "sent")).data["payload"]["reply"]["external_id"]
        [dm_status] = mastodon.context(private["id"])["descendants"]
        assert dm_status["visibility"] == "direct"
        assert dm_status["in_reply_to_id"] == private["id"]


def test_secrets_stay_out_of_database_api_logs_and_listing(
    server: LiveServer, mastodon: MastodonMock
) -> None:
    add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
    poll(lambda: accounts(server), what="the account to appear")
    listed = account_cli(["list-accounts"], server)
    assert listed.returncode == 0
    assert "acme" in listed.stdout
    assert BRAND_TOKEN not in listed.stdout
    api = httpx.get(f"{server.base_url}/api/v1/accounts", headers=server.headers(), timeout=10)
    assert api.status_code == 200
    assert BRAND_TOKEN not in api.text
    [account] = api.json()["data"]
    assert account["secret_ref"] == "ACME"
    assert "secret" not in account

    database = Path(server.database_url.removeprefix("sqlite:///"))
    for path in database.parent.glob(database.name + "*"):
        assert BRAND_TOKEN.encode() not in path.read_bytes(), f"secret in clear in {path.name}"
    assert BRAND_TOKEN not in server.log()
    secrets_file = database.with_name(f"{database.stem}.secrets.json")
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600

    # Reps do not see accounts; the secret can never be given as an argument.
    _rep_id, rep_token = server.create_user("rita", role="rep")
    forbidden = httpx.get(
        f"{server.base_url}/api/v1/accounts", headers=server.headers(rep_token), timeout=10
    )
    assert forbidden.status_code == 403
    refused = account_cli(
        [
            "add-account",
            "mastodon",
            "--name",
            "x",
            "--base-url",
            mastodon.base_url,
            "--secret",
            BRAND_TOKEN,
        ],
        server,
    )
    assert refused.returncode != 0


def test_bad_token_is_refused_by_add_account_without_echoing_it(
    server: LiveServer, mastodon: MastodonMock
) -> None:
    wrong = "not-the-token-" + uuid.uuid4().hex
    result = account_cli(
        [
            "add-account",
            "mastodon",
            "--name",
            "acme",
            "--base-url",
            mastodon.base_url,
            "--secret-stdin",
        ],
        server,
        stdin=wrong,
    )
    assert result.returncode == 1
    assert "could not be verified" in result.stderr
    assert "Traceback" not in result.stderr
    assert wrong not in result.stderr + result.stdout
    assert accounts(server) == []
    missing = account_cli(["remove-account", "nobody"], server)
    assert missing.returncode == 1
    assert missing.stderr.strip().endswith("No account named 'nobody'.")


def test_removed_account_stops_ingesting(server: LiveServer, mastodon: MastodonMock) -> None:
    with events_from_now(server) as events:
        add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
        first = mastodon.post("alice", "@acme first")
        events.wait(is_mention(first["id"]))
        removed = account_cli(["remove-account", "acme"], server)
        assert removed.returncode == 0, removed.stderr
        events.wait(lambda e: e.type == "account.updated" and e.data["payload"].get("removed"))
    assert accounts(server) == []
    # Added again under a new name, it resumes from the start: no duplicate is stored.
    with events_from_now(server) as events:
        add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN, name="acme-again")
        second = mastodon.post("bob", "@acme second")
        events.wait(is_mention(second["id"]))
        assert not any(is_mention(first["id"])(e) for e in events.seen)


def test_5xx_and_429_then_recovery_lose_nothing(server: LiveServer, mastodon: MastodonMock) -> None:
    # Ingest: the stream and the catch-up poll fail a few times, then recover.
    mastodon.fault(
        match={"path_regex": "^/api/v1/streaming"},
        effect={"type": "status", "status": 503},
        count=2,
    )
    mastodon.fault(
        match={"path": "/api/v1/notifications"},
        effect={"type": "ratelimit", "headers": {"Retry-After": "1"}},
        count=1,
    )
    mastodon.fault(
        match={"path": "/api/v1/notifications"}, effect={"type": "status", "status": 502}, count=2
    )
    early = mastodon.post("alice", "@acme posted while the server struggles")
    with events_from_now(server) as events:
        add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
        mention = events.wait(is_mention(early["id"]), within=60).data["payload"]["mention"]
        # Replies: a 502 and a 429 on posting, then it goes through, once.
        mastodon.fault(
            match={"methods": ["POST"], "path": "/api/v1/statuses"},
            effect={"type": "status", "status": 502},
            count=1,
        )
        mastodon.fault(
            match={"methods": ["POST"], "path": "/api/v1/statuses"},
            effect={"type": "ratelimit", "headers": {"Retry-After": "1"}},
            count=1,
        )
        client_id = str(uuid.uuid4())
        assert reply(server, mention, "We are on it.", client_id).status_code == 202
        sent = events.wait(is_reply(client_id, "sent", "failed"), within=60)
        assert sent.data["payload"]["reply"]["status"] == "sent"
    assert len(mastodon.context(early["id"])["descendants"]) == 1
    ids = [
        m["external_id"]
        for m in httpx.get(
            f"{server.base_url}/api/v1/mentions", headers=server.headers(), timeout=10
        ).json()["data"]
    ]
    assert ids == [early["id"]]


def test_network_down_shows_degraded_then_ok(server: LiveServer, mastodon: MastodonMock) -> None:
    with events_from_now(server) as events:
        add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
        events.wait(is_account("acme", "ok"))
        first = mastodon.post("alice", "@acme before the outage")
        events.wait(is_mention(first["id"]))
        mastodon.stop()  # the Mastodon server goes away (its posts are kept on disk)
        degraded = events.wait(is_account("acme", "degraded"), within=60)
        assert degraded.data["payload"]["account"]["error"]
        assert accounts(server)[0]["state"] == "degraded"
        mastodon.start()
        post = mastodon.post("alice", "@acme are you back?")
        events.wait(is_mention(post["id"]), within=120)
        events.wait(is_account("acme", "ok"), within=30)
        assert not any(is_mention(first["id"])(e) for e in events.seen)


def test_revoked_token_puts_the_account_in_error_and_keeps_the_reply(
    server: LiveServer, mastodon: MastodonMock
) -> None:
    with events_from_now(server) as events:
        add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
        post = mastodon.post("alice", "@acme hello")
        mention = events.wait(is_mention(post["id"])).data["payload"]["mention"]
        mastodon.revoke(BRAND_TOKEN)
        client_id = str(uuid.uuid4())
        assert reply(server, mention, "Hi!", client_id).status_code == 202
        events.wait(is_account("acme", "error"))
        queued_again = is_reply(client_id, "queued")
        kept = events.wait(lambda e: queued_again(e) and bool(e.data["payload"]["reply"]["error"]))
        assert BRAND_TOKEN not in kept.data["payload"]["reply"]["error"]
    [account] = accounts(server)
    assert account["state"] == "error"
    assert "credential" in account["error"].lower() or "token" in account["error"].lower()
    assert BRAND_TOKEN not in account["error"]
    assert mastodon.context(post["id"])["descendants"] == []


def test_reply_to_a_deleted_post_fails_with_the_reason(
    server: LiveServer, mastodon: MastodonMock
) -> None:
    with events_from_now(server) as events:
        add_mastodon_account(server, mastodon.base_url, BRAND_TOKEN)
        post = mastodon.post("bob", "@acme never mind")
        mention = events.wait(is_mention(post["id"])).data["payload"]["mention"]
        mastodon.delete("bob", post["id"])
        client_id = str(uuid.uuid4())
        assert reply(server, mention, "Hello?", client_id).status_code == 202
        failed = events.wait(is_reply(client_id, "sent", "failed")).data["payload"]["reply"]
    assert failed["status"] == "failed"
    assert "gone" in failed["error"] or "deleted" in failed["error"]


def test_a_wrong_secret_is_fixed_with_replace_while_running(
    server: LiveServer, mastodon: MastodonMock
) -> None:
    with events_from_now(server) as events:
        added = account_cli(
            [
                "add-account",
                "mastodon",
                "--name",
                "acme",
                "--base-url",
                mastodon.base_url,
                "--secret-stdin",
                "--no-verify",
            ],
            server,
            stdin="expired-token",
        )
        assert added.returncode == 0, added.stderr
        failed = events.wait(is_account("acme", "error"))
        assert "expired-token" not in failed.data["payload"]["account"]["error"]
        post = mastodon.post("alice", "@acme anyone?")

        again = account_cli(
            [
                "add-account",
                "mastodon",
                "--name",
                "acme",
                "--base-url",
                mastodon.base_url,
                "--secret-stdin",
            ],
            server,
            stdin=BRAND_TOKEN,
        )
        assert again.returncode == 1
        assert "--replace" in again.stderr
        fixed = account_cli(
            [
                "add-account",
                "mastodon",
                "--name",
                "acme",
                "--base-url",
                mastodon.base_url,
                "--secret-stdin",
                "--replace",
            ],
            server,
            stdin=BRAND_TOKEN,
        )
        assert fixed.returncode == 0, fixed.stderr
        events.wait(is_mention(post["id"]))
    [account] = accounts(server)
    assert account["state"] == "ok"
    assert account["error"] is None

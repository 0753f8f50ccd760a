"""The people commands as real processes against a running server's database:
`revoke-tokens NAME` and `deactivate-user NAME` say what they did in a sentence; an unknown
name is refused with a sentence and a non-zero exit."""

from __future__ import annotations

import httpx

from tests.support.live_server import LiveServer, mention_json, run_cli


def _people(server: LiveServer, *args: str) -> tuple[int, str, list[str]]:
    done = run_cli([*args, "--database-url", server.database_url], env=server.env)
    return done.returncode, done.stdout.strip(), done.stderr.strip().splitlines()[-1:]


def test_unknown_names_are_refused_with_a_sentence(live_server: LiveServer) -> None:
    for command in ("revoke-tokens", "deactivate-user"):
        status, out, err = _people(live_server, command, "ghost")
        assert status == 2
        assert out == ""
        assert err == ["responder-server: There is no user named 'ghost'."]


def test_revoke_tokens_by_name(live_server: LiveServer) -> None:
    _user_id, token = live_server.create_user("cli-rev")
    status, out, _err = _people(live_server, "revoke-tokens", "cli-rev")
    assert status == 0
    assert out == "Revoked 1 token of 'cli-rev'; running servers refuse them within seconds."
    me = f"{live_server.base_url}/api/v1/me"
    assert httpx.get(me, headers=live_server.headers(token), timeout=10).status_code == 401


def test_deactivate_user_by_name_hands_back_their_mention(live_server: LiveServer) -> None:
    user_id, token = live_server.create_user("cli-leaver")
    mention_id = live_server.ingest([mention_json("cli-leaver-mention")])[0]
    live_server.claim(mention_id, token)
    status, out, _err = _people(live_server, "deactivate-user", "cli-leaver")
    assert status == 0
    assert out == (
        "Deactivated 'cli-leaver': their tokens are revoked, their open mentions are back in "
        "the queue and handoffs waiting for them went back to their senders."
    )
    mention = live_server.get(f"/api/v1/mentions/{mention_id}")
    assert (mention["status"], mention["assignee_id"]) == ("new", None)
    assert mention["history"][-1]["summary"] == (
        "The server released it: its owner was deactivated"
    )
    users = [u["id"] for u in live_server.get("/api/v1/users")["data"]]
    assert user_id not in users

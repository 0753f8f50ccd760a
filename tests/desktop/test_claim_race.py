"""Story: two reps, one urgent mention, both press Claim at once — the team never gives one
mention to two people, and the loser's console says whose it is.

Two real consoles (Ana and Ben, separate processes with their own HOME) sign in to one real
team server on a machine without a keyring, both load the stream, both select the same urgent
mention and both press Ctrl+Shift+M within a few milliseconds. The server's API is the oracle:
exactly one owner; both consoles really tried (each logged its POST …/claim: one 200, one 409);
both titles drop the "(1)" urgent-unassigned badge, so both consoles applied the claim."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.support.live_server import LiveServer, mention_json
from tests.support.xconsole import Consoles
from tests.support.xdesktop import SCREEN_WIDTH, TRAY_HEIGHT, XDesktop

pytestmark = [pytest.mark.desktop, pytest.mark.slow, pytest.mark.timeout(150)]

URGENT_TEXT = "My charger caught fire and burned my hand. Who answers for this?"


def ingest_stream(server: LiveServer) -> int:
    """Four ordinary mentions from yesterday and one urgent one now; returns the urgent id."""
    yesterday = datetime.now(UTC) - timedelta(days=1)
    ordinary = [
        {
            **mention_json(f"late-{i}", f"Order {i} is a week late, any news?"),
            "created_at": (yesterday + timedelta(minutes=i)).isoformat(),
        }
        for i in range(4)
    ]
    server.ingest(ordinary)
    hot = mention_json("fire-1", URGENT_TEXT)
    hot["author"] = {"handle": "@sam_burned", "display_name": "Sam Okafor", "followers": 5400}
    hot["created_at"] = datetime.now(UTC).isoformat()
    (urgent_id,) = server.ingest([hot])
    return urgent_id


def mention(server: LiveServer, mention_id: int) -> dict[str, object]:
    response = httpx.get(
        f"{server.base_url}/api/v1/mentions/{mention_id}", headers=server.headers(), timeout=10
    )
    response.raise_for_status()
    body: dict[str, object] = response.json()
    return body


def test_two_reps_claim_the_same_mention_at_once(
    xdesk: XDesktop, server: LiveServer, consoles: Consoles
) -> None:
    ana_id, ana_token = server.create_user("Ana", role="rep")
    ben_id, ben_token = server.create_user("Ben", role="rep")
    urgent_id = ingest_stream(server)

    ana = consoles.launch("ana", server.base_url)
    ben = consoles.launch("ben", server.base_url)
    # Both first runs ask where to keep the token (no keyring here); wait for both dialogs
    # before typing, so neither steals the keyboard focus from the other mid-word.
    ana.window("Where should your token be kept")
    ben.window("Where should your token be kept")
    xdesk.screenshot("first-run-asks-where-to-keep-the-token")
    ana_window = ana.sign_in(ana_token)
    ben_window = ben.sign_in(ben_token)

    half = SCREEN_WIDTH // 2
    xdesk.place(ana_window, 0, TRAY_HEIGHT + 30, half - 10, 900)
    xdesk.place(ben_window, half, TRAY_HEIGHT + 30, half - 10, 900)
    # "(1) Responder Console — …": online, the stream loaded, one urgent mention unassigned
    ana.wait_for_title(r"^\(1\) Responder Console")
    ben.wait_for_title(r"^\(1\) Responder Console")
    xdesk.screenshot("ana-left-ben-right-stream-loaded-one-urgent")

    # Unassigned (Ctrl+1), newest first: the urgent mention is the first row.
    ana.select_first_row(ana_window, "ctrl+1", urgent_id)
    ben.select_first_row(ben_window, "ctrl+1", urgent_id)
    xdesk.screenshot("both-selected-the-urgent-mention")
    assert mention(server, urgent_id)["assignee_id"] is None

    # Both press the claim shortcut: focus Ana, press; focus Ben, press — one xdotool run.
    ana_before, ben_before = len(ana.requests()), len(ben.requests())
    started = time.monotonic()
    xdesk.xdotool(
        "windowactivate", str(ana_window), "key", "--clearmodifiers", "ctrl+shift+m",
        "windowactivate", str(ben_window), "key", "--clearmodifiers", "ctrl+shift+m",
    )  # fmt: skip
    pressed_in = time.monotonic() - started

    claim_path = rf"/api/v1/mentions/{urgent_id}/claim"
    ana_claim = ana.wait_for_request("POST", claim_path, after=ana_before)
    ben_claim = ben.wait_for_request("POST", claim_path, after=ben_before)
    statuses = sorted([ana_claim.status, ben_claim.status])
    assert statuses == [200, 409], (
        f"Ana's claim {ana_claim.status}, Ben's {ben_claim.status} (keys {pressed_in:.3f} s apart)"
    )
    winner, loser = (ana, ben) if ana_claim.status == 200 else (ben, ana)
    winner_id = ana_id if winner is ana else ben_id

    owned = mention(server, urgent_id)
    assert owned["assignee_id"] == winner_id
    assert owned["status"] == "assigned"
    history = owned["history"]
    assert isinstance(history, list)
    claims = [h for h in history if "claim" in str(h["summary"]).lower()]
    assert [c["actor"]["id"] for c in claims] == [winner_id], history
    # Both consoles applied the claim: the urgent-unassigned badge left both titles.
    ana.wait_for_title(r"^Responder Console")
    ben.wait_for_title(r"^Responder Console")
    xdesk.screenshot(f"{winner.name}-owns-it-{loser.name}-is-told")

    # The winner finds it under Mine (Ctrl+2); the loser under All (Ctrl+5), with its owner.
    winner_window, loser_window = (
        (ana_window, ben_window) if winner is ana else (ben_window, ana_window)
    )
    xdesk.activate(winner_window)
    xdesk.key("ctrl+2")
    xdesk.activate(loser_window)
    xdesk.key("ctrl+5")
    xdesk.screenshot(f"{winner.name}-under-mine-{loser.name}-under-all-owner-{winner.name}")

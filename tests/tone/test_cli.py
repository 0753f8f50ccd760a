"""`python -m app.tone` run as a real process: JSON out, exit 0; bad arguments, usage error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.tone", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_prints_the_report_as_json() -> None:
    result = _run(
        "--network",
        "x",
        "--mention",
        "@acme my parcel never arrived!!",
        "Calm down. Call me on (415) 555-2671.",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {
        "findings",
        "length",
        "limit",
        "network",
        "mention_kind",
        "take_a_breath",
    }
    assert report["network"] == "x"
    assert report["limit"] == 280
    assert report["length"] == len("Calm down. Call me on (415) 555-2671.")
    assert report["mention_kind"] == "complaint"
    assert report["take_a_breath"] is True
    codes = [f["code"] for f in report["findings"]]
    assert codes[0] == "blame"
    assert {"blame", "private_data", "no_apology", "no_acknowledge"} <= set(codes)
    for finding in report["findings"]:
        assert {"code", "message", "start", "end", "suggestion", "severity"} <= set(finding)
    blame = report["findings"][0]
    assert (blame["start"], blame["end"], blame["severity"]) == (0, 9, "critical")


def test_defaults_to_mastodon_without_a_mention() -> None:
    result = _run("Danke!! 日本語もOK 👍🏽")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["network"] == "mastodon"
    assert report["limit"] == 500
    assert report["length"] == 16
    assert report["mention_kind"] is None
    assert report["findings"] == []
    assert report["take_a_breath"] is False


def test_bad_arguments_are_a_usage_error() -> None:
    unknown_network = _run("--network", "myspace", "hello")
    assert unknown_network.returncode == 2
    assert "usage:" in unknown_network.stderr
    assert "invalid choice" in unknown_network.stderr
    missing_draft = _run("--network", "x")
    assert missing_draft.returncode == 2
    assert "DRAFT" in missing_draft.stderr

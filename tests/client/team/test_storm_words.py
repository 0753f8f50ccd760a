"""What the console says about a storm, and a holding statement before it goes: the banner's
headline, progress, `{name}` personalised as the server does, whom it goes to, each network's
length check."""

from __future__ import annotations

from datetime import timedelta

from app.client.team import storm_words as words
from app.client.team.storm_statement import (
    length_warnings,
    personalise,
    statement_targets,
)
from app.models.enums import MentionStatus, Network
from app.models.storm_schemas import StormProgress
from tests.client.team.storm_samples import NOW, row, sample_storm


def test_the_headline_names_the_account_the_rate_against_the_usual_and_what_rose() -> None:
    assert words.headline(sample_storm()) == (
        "Storm on @brand: 240 mentions an hour, 6× usual — #outage, “app down”"
    )
    everywhere = sample_storm(account=None)
    assert words.headline(everywhere).startswith("Storm on all brand accounts: ")
    two = words.banner_words([sample_storm(1), sample_storm(2)])
    assert two.endswith("(+1 more storm)")


def test_progress_counts_what_went_and_when_the_next_one_goes() -> None:
    going = StormProgress(
        storm_id=7,
        total=120,
        queued=89,
        sending=0,
        sent=31,
        failed=0,
        next_at=NOW + timedelta(seconds=40),
    )
    assert words.progress_words(going, NOW) == "31 of 120 sent · next in 40 s"
    assert not words.progress_done(going)
    done = going.model_copy(update={"queued": 0, "sent": 118, "failed": 2, "next_at": None})
    assert words.progress_done(done)
    assert words.progress_words(done, NOW) == "118 of 120 sent, 2 failed"
    all_sent = done.model_copy(update={"sent": 120, "failed": 0})
    assert words.progress_words(all_sent, NOW) == "All 120 sent"


def test_name_becomes_the_display_name_else_the_handle() -> None:
    assert personalise("Hi {name}, sorry!", row(1, name="Ana")) == "Hi Ana, sorry!"
    assert personalise("Hi {name}", row(2, name=" ", handle="bo")) == "Hi @bo"
    # The server's rule, the same function: a name that would mention someone is not used.
    assert personalise("Hi {name}", row(3, name="@everyone", handle="cy")) == "Hi @cy"
    assert personalise("Hi {name}", row(4, name="Ben <b>Bold</b>")) == "Hi Ben <b>Bold</b>"


def test_a_statement_goes_to_open_mentions_that_are_mine_or_nobodys() -> None:
    storm = sample_storm(count=6)
    rows = {
        1: row(1),
        2: row(2, assignee_id=5),  # mine
        3: row(3, assignee_id=9),  # a colleague's
        4: row(4, status=MentionStatus.RESOLVED),
        5: row(5, status=MentionStatus.REPLIED),
        # 6 is not in this console's stream: counted as the server said (open)
    }
    targets = statement_targets(storm, rows, me=5)
    assert [r.id for r in targets.rows] == [1, 2]
    assert targets.count == 3
    group = storm.groups[0]  # mentions 1–3
    assert statement_targets(storm, rows, me=5, group=group).count == 2
    assert statement_targets(storm, {}, me=5).count == storm.open


def test_length_is_checked_per_network_with_the_longest_name_and_the_handle() -> None:
    storm = sample_storm(count=3)
    rows = {
        1: row(1, network=Network.BLUESKY, name="Al"),
        2: row(2, network=Network.BLUESKY, name="A" * 40),
        3: row(3, network=Network.MASTODON),
    }
    targets = statement_targets(storm, rows, me=None)
    text = "Hi {name}, " + "x" * 250  # fits Bluesky's 300 for Al, not with 40 letters + @handle
    warnings = length_warnings(text, targets)
    assert len(warnings) == 1
    assert warnings[0].startswith("Too long for Bluesky by ")
    assert "2 customers there" in warnings[0]
    assert length_warnings("Hi {name}, we are on it.", targets) == []


def test_the_overview_lists_a_storm_with_its_time_size_owner_and_statement() -> None:
    storm = sample_storm()
    line = words.overview_entry(storm)
    assert line.endswith("storm on @brand, 120 mentions (peak 6× usual)")
    assert ", still on: " in line
    over = storm.model_copy(
        update={
            "over_at": NOW + timedelta(hours=1),
            "claimed_team": "care",
            "statement": "Hi {name}",
        }
    )
    line = words.overview_entry(over)
    assert "; shared with care; holding statement sent" in line
    assert ", still on" not in line

"""The API fuzzed on PostgreSQL, as an admin and as a rep (see tests/support/api_fuzz.py)."""

from __future__ import annotations

import pytest

from tests.support.api_fuzz import check_every_operation, seed, target_for
from tests.support.live_server import LiveServer

# Each target tries every operation of the spec: about a minute alone on two cores, more as
# the API grows and when the suite shares the machine (120 s, the suite's limit, was hit).
pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def seeded(postgres_live_server: LiveServer) -> tuple[LiveServer, str]:
    return postgres_live_server, seed(postgres_live_server)


@pytest.mark.parametrize("role", ["admin", "rep"])
def test_no_server_errors_and_every_answer_in_the_spec(
    seeded: tuple[LiveServer, str], role: str
) -> None:
    server, rep_token = seeded
    check_every_operation(target_for(server, "postgres", role, rep_token))

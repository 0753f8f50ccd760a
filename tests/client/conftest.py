"""Fixtures of the client-core tests: a real server process (tests/support) per module."""

from __future__ import annotations

from tests.support.fixtures import live_server

__all__ = ["live_server"]

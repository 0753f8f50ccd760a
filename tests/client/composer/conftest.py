"""The composer's fixtures (tests/support/composer.py): a real server per module and one rep;
for the end-to-end test a fresh server and a mastodon-mock per test."""

from tests.support.composer import live_server, rep
from tests.support.fixtures import mastodon, server

__all__ = ["live_server", "mastodon", "rep", "server"]

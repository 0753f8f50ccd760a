"""The composer's fixtures (tests/support/composer.py): a real server per module and one rep."""

from tests.support.composer import live_server, rep

__all__ = ["live_server", "rep"]

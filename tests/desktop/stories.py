"""The opening the desktop stories share: the brand's account on a real Mastodon-API server,
a customer's post there, and the mention the team server ingested from it."""

from __future__ import annotations

from typing import Any

from tests.connectors.helpers import BRAND_TOKEN, MastodonMock
from tests.support.live_server import LiveServer
from tests.support.xdesktop import poll


def customer_mention(
    server: LiveServer, mastodon: MastodonMock, text: str
) -> tuple[dict[str, Any], int]:
    """Connect the brand account "acme", let "alice" post `text`; the post and its mention id."""
    server.add_brand_account("acme", base_url=mastodon.base_url, secret=BRAND_TOKEN, verify=True)
    post = mastodon.post("alice", text)
    mention = poll(
        lambda: server.mention_from(str(post["id"])), 30, "the customer's post to be ingested"
    )
    return post, int(mention["id"])

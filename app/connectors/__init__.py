"""Connectors: one module per network behind the `Connector` protocol (see `base`), and
`connector_for`, the one place that builds a connector for a brand account."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.connectors.base import (
    AccountIdentity,
    AuthError,
    Capabilities,
    Connector,
    ConnectorError,
    FetchResult,
    Incoming,
    IncomingMention,
    NotFound,
    PermanentError,
    PostedReply,
    Quarantined,
    RateLimited,
    ReplyNotSupported,
    ReplyRequest,
    TransientError,
    check_reply_length,
)
from app.connectors.http import HttpSession, RateControl, RetryPolicy
from app.models.enums import Network
from app.models.networks import LengthCounting, measure_length, rules_for

__all__ = [
    "AccountIdentity",
    "AuthError",
    "Capabilities",
    "Connector",
    "ConnectorError",
    "FetchResult",
    "HttpSession",
    "Incoming",
    "IncomingMention",
    "LengthCounting",
    "NotFound",
    "PermanentError",
    "PostedReply",
    "Quarantined",
    "RateControl",
    "RateLimited",
    "ReplyNotSupported",
    "ReplyRequest",
    "RetryPolicy",
    "TransientError",
    "capabilities_for",
    "check_reply_length",
    "connector_for",
    "measure_length",
]

DEFAULT_BASE_URLS = {
    Network.BLUESKY: "https://bsky.social",
    Network.X: "https://api.x.com",
}

_DEFAULT_POLL = {
    Network.MASTODON: 30.0,
    Network.BLUESKY: 30.0,
    Network.X: 60.0,
    Network.FEED: 300.0,
    Network.DEMO: 4.0,
    Network.WEBHOOK: 60.0,
}


def _bluesky_credentials(secret: str, options: Mapping[str, Any]) -> tuple[str, str]:
    """Bluesky needs a handle (or DID) and an app password. The identifier comes from
    `options["identifier"]`, or the secret is `{"identifier": …, "password": …}` or
    `identifier:app-password` (app passwords contain no colon; DIDs do, so split on the last)."""
    identifier = options.get("identifier")
    if identifier:
        return str(identifier), secret
    name = rules_for(Network.BLUESKY).display_name
    stripped = secret.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError as exc:
            raise PermanentError(f"The {name} secret is not valid JSON.") from exc
        if isinstance(data, dict) and data.get("identifier") and data.get("password"):
            return str(data["identifier"]), str(data["password"])
    if ":" in stripped:
        identifier, _, password = stripped.rpartition(":")
        if identifier and password:
            return identifier, password
    raise PermanentError(
        f"A {name} account needs its handle and an app password: give the secret as "
        "'handle:app-password' (or set the account's identifier)."
    )


def connector_for(
    network: Network | str,
    base_url: str,
    secret: str,
    *,
    options: Mapping[str, Any] | None = None,
    rate_control: RateControl | None = None,
    retry: RetryPolicy | None = None,
    http: HttpSession | None = None,
) -> Connector:
    """Build the connector for one brand account.

    `base_url`: the Mastodon server, the Bluesky PDS (default bsky.social), the X API (default
    api.x.com), the feed's URL, or for the demo an optional path to a demo file. `secret`: the
    access token (Mastodon, X), the app password (Bluesky, see `_bluesky_credentials`), ignored
    for feeds and the demo. `options` (the account's settings): `poll_interval`,
    `streaming_base_url` (Mastodon), `identifier` (Bluesky), `user_id` (X), `interval` (demo).
    Pass one `rate_control` to every connector of a process so hosts are paced together.
    Raises PermanentError for a configuration that cannot work (unknown network, no handle).
    """
    opts = dict(options or {})
    try:
        net = Network(network)
    except ValueError as exc:
        raise PermanentError(f"There is no connector for the network {network!r}.") from exc
    session = http or HttpSession(rate_control=rate_control, retry=retry)
    poll_interval = float(opts.get("poll_interval") or _DEFAULT_POLL[net])

    if net is Network.MASTODON:
        from app.connectors.mastodon import MastodonConnector

        if not base_url:
            name = rules_for(net).display_name
            raise PermanentError(f"A {name} account needs the server's URL (--base-url).")
        return MastodonConnector(
            base_url,
            secret,
            http=session,
            streaming_base_url=opts.get("streaming_base_url"),
            poll_interval=poll_interval,
        )
    if net is Network.BLUESKY:
        from app.connectors.bluesky import BlueskyConnector

        identifier, password = _bluesky_credentials(secret, opts)
        return BlueskyConnector(
            base_url or DEFAULT_BASE_URLS[net],
            identifier,
            password,
            http=session,
            poll_interval=poll_interval,
        )
    if net is Network.X:
        from app.connectors.x import XConnector

        user_id = opts.get("user_id")
        return XConnector(
            base_url or DEFAULT_BASE_URLS[net],
            secret,
            user_id=str(user_id) if user_id else None,
            http=session,
            poll_interval=poll_interval,
        )
    if net is Network.FEED:
        from app.connectors.feeds import FeedConnector

        if not base_url:
            raise PermanentError("A feed account needs the feed's URL (--base-url).")
        return FeedConnector(base_url, http=session, poll_interval=poll_interval)
    if net is Network.DEMO:
        from app.connectors.demo import DemoConnector

        return DemoConnector(
            Path(base_url) if base_url else None, interval=float(opts.get("interval") or 4.0)
        )
    raise PermanentError(
        f"The {rules_for(net).display_name} network has no connector: it receives mentions "
        "through the webhook."
    )


def capabilities_for(network: Network | str) -> Capabilities | None:
    """What replying looks like on `network` (None for the webhook, which has no connector)."""
    try:
        net = Network(network)
    except ValueError:
        return None
    return None if net is Network.WEBHOOK else rules_for(net)

"""`connector_for` builds every network's connector behind the one protocol."""

from __future__ import annotations

import pytest

from app.connectors import (
    Connector,
    LengthCounting,
    PermanentError,
    capabilities_for,
    connector_for,
    measure_length,
)
from app.models.enums import Network


@pytest.mark.parametrize(
    ("network", "base_url", "secret"),
    [
        ("mastodon", "https://social.example", "token"),
        ("bluesky", "", "nimbus.example:abcd-efgh-ijkl-mnop"),
        ("x", "", "token"),
        ("feed", "https://reviews.example.com/feed.xml", ""),
        ("demo", "", ""),
    ],
)
async def test_every_network_has_a_connector(network: str, base_url: str, secret: str) -> None:
    connector = connector_for(network, base_url, secret, options={"poll_interval": 5})
    assert isinstance(connector, Connector)
    assert connector.network is Network(network)
    assert connector.capabilities == capabilities_for(network)
    await connector.aclose()


def test_configuration_that_cannot_work_is_refused_clearly() -> None:
    with pytest.raises(PermanentError, match="webhook"):
        connector_for("webhook", "", "")
    with pytest.raises(PermanentError, match="no connector for the network 'myspace'"):
        connector_for("myspace", "", "")
    with pytest.raises(PermanentError, match="server's URL"):
        connector_for("mastodon", "", "token")
    assert capabilities_for("webhook") is None


def test_lengths_are_counted_as_each_network_counts_them() -> None:
    text = "Sorry! 👍🏽 https://status.nimbus-mobile.com/a/very/long/path/that/x/shortens"
    assert measure_length(text, LengthCounting.CHARACTERS) == len(text)
    assert measure_length(text, LengthCounting.GRAPHEMES) == len(text) - 1
    assert measure_length(text, LengthCounting.WEIGHTED) == len("Sorry! ") + 2 + 1 + 23

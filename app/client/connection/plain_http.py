"""Which team-server addresses the console connects to without asking: `https://` anywhere, and
plain `http://` only to this computer (127.0.0.0/8, ::1, localhost). Plain http to anything else
sends the rep's token and customers' messages unencrypted, so it needs the rep's consent (the
console asks once per server and remembers it) or `--allow-plain-http` on the command line."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

ALLOW_FLAG = "--allow-plain-http"


def server_key(url: str) -> str:
    """The form in which a server's address is remembered: without a trailing slash."""
    return url.strip().rstrip("/")


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def needs_plain_http_consent(url: str) -> bool:
    """True when `url` is plain `http://` to a host that is not this computer."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "http":
        return False
    try:
        host = parts.hostname or ""
    except ValueError:
        return True
    return not is_loopback_host(host)


def plain_http_warning(url: str) -> str:
    """The question's text: what connecting anyway means."""
    return (
        f"{server_key(url)} is a plain http:// address. Connecting sends your token and "
        "customers' messages unencrypted: anyone on the network between you and the server "
        "can read them, and could use your token. Ask your administrator for an https:// "
        "address, or connect anyway only on a network you trust."
    )


def plain_http_refusal(url: str) -> str:
    """What the console says where it cannot ask (no display, a command-line run)."""
    return (
        f"Not connecting to {server_key(url)}: plain http:// would send your token and "
        "customers' messages unencrypted. Use an https:// address, or start with "
        f"{ALLOW_FLAG} if this network is trusted."
    )

"""What a post's id looks like on each network: the one rule the wire schema checks every
`external_id` against (webhook and connectors alike), so an id can never carry a path of its
own (`1/../../accounts/verify_credentials`) into a connector's request.

- Mastodon-API servers: Mastodon's own ids are decimal snowflakes, Pleroma and Akkoma use base62
  flake ids and GoToSocial ULIDs (Crockford base32): letters and digits (and, for ids other
  tools make up, `-` and `_`, which are as safe in a path), up to 64.
- Bluesky: the post's AT URI, `at://<did or handle>/<collection>/<record key>`.
- X: decimal digits (snowflakes), up to 19 digits (a signed 64-bit integer).
- Feeds and the webhook: any text without control characters (a feed's guid is often a URL;
  neither is ever put in a request path: no connector answers them in place).
- Demo mentions (`is_demo`, any network): `demo-` and letters, digits or dashes.
"""

from __future__ import annotations

import re

from app.models.enums import Network
from app.models.limits import EXTERNAL_ID_MAX
from app.models.networks import rules_for

_WORD = re.compile(r"[0-9A-Za-z_-]{1,64}")
_DIGITS = re.compile(r"[0-9]{1,19}")
# DIDs (did:plc:…, did:web:host) and handles use letters, digits and . _ : % -; a collection is
# an NSID; a record key adds ~ and may not be "." or "..".
_AT_URI = re.compile(r"at://[A-Za-z0-9._:%-]+/[A-Za-z0-9.-]+/(?P<rkey>[A-Za-z0-9._:~-]+)")
_PRINTABLE = re.compile(r"[^\x00-\x1f\x7f-\x9f]+")
_DEMO = re.compile(r"demo-[A-Za-z0-9-]{1,100}")

_UP_TO = f"up to {EXTERNAL_ID_MAX} characters"

_RULES: dict[Network, tuple[re.Pattern[str], str]] = {
    Network.MASTODON: (_WORD, "up to 64 letters, digits, '-' or '_'"),
    Network.BLUESKY: (_AT_URI, f"an AT URI (at://<did>/<collection>/<record key>, {_UP_TO})"),
    Network.X: (_DIGITS, "up to 19 digits"),
    Network.FEED: (_PRINTABLE, f"text without control characters ({_UP_TO})"),
    Network.WEBHOOK: (_PRINTABLE, f"text without control characters ({_UP_TO})"),
    Network.DEMO: (_DEMO, "'demo-' followed by up to 100 letters, digits or dashes"),
}


def external_id_problem(network: Network, value: str, *, is_demo: bool = False) -> str | None:
    """Why `value` is no post id of `network` (a sentence), or None when it is one."""
    pattern, shape = _RULES[Network.DEMO] if is_demo else _RULES[network]
    match = pattern.fullmatch(value) if len(value) <= EXTERNAL_ID_MAX else None
    if match is not None and "rkey" in pattern.groupindex and match["rkey"] in (".", ".."):
        match = None
    if match is not None:
        return None
    name = "demo" if is_demo else rules_for(network).display_name
    kind = f"An {name}" if name[0] in "AEIOUX" else f"A {name}"
    return f"{kind} post id is {shape}: {_shown(value)} is not one."


def _shown(value: str) -> str:
    return repr(value if len(value) <= 80 else value[:77] + "...")

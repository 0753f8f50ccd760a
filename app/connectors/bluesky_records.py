"""AT Protocol records a Bluesky reply is made of: the record key derived from the reply's
client id (the same id always gives the same key, so a retry finds the first post) and the
facets that make the customer's handle a mention and every link a link."""

from __future__ import annotations

import hashlib
import re
from typing import Any

_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")


def record_key_for(client_id: str) -> str:
    """A valid TID-shaped record key derived from the reply's client id (same id, same key).

    The 53-bit time part comes from a hash, kept between 2023 and 2058 so it looks like any
    other TID; the top bit is zero as the spec requires.
    """
    digest = int.from_bytes(hashlib.sha256(client_id.encode()).digest()[:8], "big")
    base_us = 1_672_531_200 * 1_000_000  # 2023-01-01
    micros = base_us + digest % (35 * 365 * 24 * 3600 * 1_000_000)
    clock_id = (digest >> 53) & 0x3FF
    value = (micros << 10) | clock_id
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 0x1F])
        value >>= 5
    return "".join(reversed(chars))


def mention_facets(text: str, handle: str, did: str) -> list[dict[str, Any]]:
    """Facets for `text`: a mention of `@handle` (to `did`) and every link.
    Offsets are UTF-8 byte offsets, as the AT Protocol counts them."""
    data = text.encode("utf-8")
    facets: list[dict[str, Any]] = []
    needle = f"@{handle}".encode()
    start = data.find(needle)
    if start >= 0 and did:
        facets.append(
            {
                "index": {"byteStart": start, "byteEnd": start + len(needle)},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
            }
        )
    for match in _URL.finditer(text):
        byte_start = len(text[: match.start()].encode("utf-8"))
        byte_end = byte_start + len(match.group(0).encode("utf-8"))
        facets.append(
            {
                "index": {"byteStart": byte_start, "byteEnd": byte_end},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": match.group(0)}],
            }
        )
    return facets

"""A storm's holding statement, personalised: `{name}` becomes the customer's name — their
display name, else their @handle. The server sends what `personalise` returns, and the console
previews it with the same function, so the preview is what customers receive.

The customer's name is text someone else wrote, put into the brand's public post, so it is
taken only when it is plain: whitespace runs (newlines included) become one space, control and
bidirectional-override characters are dropped, Mastodon's custom emoji codes (`:blobcat:`)
removed; a name that would mention someone (`@`), add a hashtag (`#`), carry a link or run
longer than `MAX_NAME` characters is not used — the @handle stands in. The text is replaced
literally (never `str.format`), so braces and markup in a name or in the statement are kept as
they are and nothing else in the statement is read as a placeholder."""

from __future__ import annotations

import re
import unicodedata

NAME = "{name}"
MAX_NAME = 50

_EMOJI_CODE = re.compile(r":[A-Za-z0-9_]{2,}:")
_LINK = re.compile(r"(?i)(?:[a-z][a-z0-9+.-]*://|www\.)")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def plain_name(display_name: str | None) -> str | None:
    """The display name as a reply may use it, or None when it is empty or not plain."""
    text = "".join(
        " " if ch.isspace() else ch
        for ch in display_name or ""
        if ch not in _BIDI and (ch.isspace() or unicodedata.category(ch) != "Cc")
    )
    text = " ".join(_EMOJI_CODE.sub(" ", text).split())
    if not text or len(text) > MAX_NAME:
        return None
    if "@" in text or "#" in text or _LINK.search(text):
        return None
    return text


def customer_name(display_name: str | None, handle: str | None) -> str:
    """What `{name}` becomes for this customer."""
    name = plain_name(display_name)
    if name is not None:
        return name
    bare = (handle or "").strip().lstrip("@")
    return f"@{bare}" if bare else "there"


def personalise(text: str, display_name: str | None, handle: str | None) -> str:
    """The statement for one customer: every `{name}` replaced by `customer_name`."""
    if NAME not in text:
        return text
    return text.replace(NAME, customer_name(display_name, handle))

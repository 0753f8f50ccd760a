"""Untrusted rich text from networks → faithful plain text (invariant 7).

Status HTML and feed summaries are written by strangers. They are converted to text with
inscriptis (a well-kept HTML→text renderer that keeps line breaks, paragraphs and the visible
text of links, and drops `<script>`/`<style>`), never rendered or executed. Entities are decoded,
emoji and right-to-left scripts pass through untouched; control characters that could reorder
or hide text in a terminal are removed except the Unicode bidi marks real posts use.
"""

from __future__ import annotations

import re
import unicodedata

from inscriptis import Inscriptis
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig
from lxml.etree import ParserError
from lxml.html import HtmlElement, document_fromstring

# "strict" keeps inline elements inline, so Mastodon's split link spans
# (<span class="invisible">https://</span><span class="ellipsis">…</span>) join up again.
_CONFIG = ParserConfig(css=CSS_PROFILES["strict"], display_links=False, display_images=False)

_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_ALLOWED_CONTROLS = {"\n", "\t"}


def _clean(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ALLOWED_CONTROLS:
            out.append(ch)
        elif unicodedata.category(ch) == "Cc":
            continue  # NUL, ESC, …: never part of a post
        else:
            out.append(ch)
    return "".join(out)


def _parse(html: str) -> HtmlElement:
    try:
        tree = document_fromstring(_clean(html).strip())
    except ParserError:
        tree = document_fromstring("<pre>" + _clean(html) + "</pre>")
    # inscriptis unescapes text that lxml has already decoded, so "&amp;lt;" (a literal "&lt;"
    # the author typed) would turn into "<". Re-escape "&" once so its second pass is a no-op.
    for element in tree.iter(tag=None):
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions are never shown
        if isinstance(element.text, str):
            element.text = element.text.replace("&", "&amp;")
        if isinstance(element.tail, str):
            element.tail = element.tail.replace("&", "&amp;")
    return tree


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: paragraphs as blank lines, <br> as newlines."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return plain_text(html)
    text = Inscriptis(_parse(html), _CONFIG).get_text()
    text = _TRAILING_SPACE.sub("\n", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return _clean(text).strip()


def plain_text(text: str) -> str:
    """Normalise text that is already plain (Bluesky, X): strip control characters."""
    return _clean(text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, marked when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def well_formed(text: str) -> str:
    """`text` with every lone surrogate (half an emoji cut by a careless server, an escape in
    JSON) replaced by U+FFFD: such a string cannot be encoded, stored or sent on."""
    if text.isascii():
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")

"""How the console and the server log: one `configure_logging` both entry points call, which
also keeps secrets out of the HTTP libraries' lines. httpx logs every request's full URL at INFO
(feed tokens, search terms in query strings; `user:password@` in a URL) and uvicorn's access log
logs the path with its query: their lines keep the scheme, host and path, never the query or the
userinfo."""

from __future__ import annotations

import logging
import re

LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"

# Loggers whose lines carry request URLs: httpx (the console's client, the server's connectors),
# httpcore's traces, uvicorn's access log. A logger's filters see only the records logged on it,
# so each one is named (a handler filter would miss handlers added later, such as a test's).
URL_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
    "uvicorn.access",
)

_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/\s@\"']*@")
_QUERY = re.compile(r"\?[^\s\"'#]*(?:#[^\s\"']*)?")


def redact_urls(text: str) -> str:
    """`text` with every URL's userinfo and query string (and a fragment after it) taken out."""
    text = _USERINFO.sub(r"\g<scheme>", text)
    return _QUERY.sub("", text)


class RedactUrls(logging.Filter):
    """Rewrites a record's message with `redact_urls` (the record is kept, never dropped)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_urls(message)
        if redacted != message or record.args:
            record.msg = redacted
            record.args = None
        return True


def install_url_redaction() -> None:
    """Put `RedactUrls` on every logger of `URL_LOGGERS` (once each)."""
    for name in URL_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactUrls) for f in logger.filters):
            logger.addFilter(RedactUrls())


def configure_logging(level: int | str = logging.INFO) -> None:
    """The process's logging: lines on standard error, URLs without their secrets."""
    logging.basicConfig(level=level, format=LOG_FORMAT)
    install_url_redaction()

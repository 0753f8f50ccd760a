"""Time zones by their IANA names, as teams and people give them."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.server.errors import Invalid


def zone(name: str) -> ZoneInfo:
    """An IANA time zone, or a clear 422."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"Unknown time zone {name!r}; use an IANA name such as 'Europe/Berlin'."
        ) from None

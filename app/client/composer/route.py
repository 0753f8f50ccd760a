"""Where a reply to a mention goes: the brand account the server will post it as, or — when no
connected brand account can answer the mention (a feed post, a webhook mention, a network with
no account) — the sentence that says to answer on the site, with the mention's link.

The server decides (`reply_via` / `reply_unavailable` / `reply_on_site_url` in the mention's
detail, the same rule its reply route and its sender apply). Offline the composer falls back on
what it knows without asking: the network table (a feed post is never answered in place) and
the brand-account names it loaded last."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.models.enums import Network
from app.models.networks import rules_for
from app.models.schemas import MentionDetail

DRAFT_ANYWAY = "You can still draft your answer here."


@dataclass(frozen=True, slots=True)
class ReplyRoute:
    """`account` (its name) posts the reply on `network`; or `problem` says why nothing can
    be posted from here and `site_url` is where to answer instead. `confirmed`: the server
    said so (False: guessed offline from the network table and the account names)."""

    network: Network
    account: str | None = None
    problem: str | None = None
    site_url: str | None = None
    confirmed: bool = True

    @property
    def answerable(self) -> bool:
        return self.problem is None


def route_from_detail(detail: MentionDetail) -> ReplyRoute:
    """The server's answer, from the mention's detail."""
    via = detail.reply_via
    if via is not None:
        return ReplyRoute(via.network, account=via.account)
    problem = detail.reply_unavailable or (
        "No brand account connected to the server can answer this mention: answer it on "
        "the site instead."
    )
    return ReplyRoute(detail.network, problem=problem, site_url=detail.reply_on_site_url)


def route_offline(
    network: Network,
    account_id: int | None,
    url: str | None,
    accounts: Mapping[int, str],
) -> ReplyRoute:
    """Without the server: a network nobody answers in place is refused as the server would;
    otherwise the account's name when known (the server checks the rest when the reply
    leaves)."""
    rules = rules_for(network)
    if not rules.reply_in_place:
        where = f": {url}" if url else "."
        return ReplyRoute(
            network,
            problem=f"A {rules.display_name} mention cannot be answered from the console: "
            f"open its link and answer it on the site{where}",
            site_url=url,
            confirmed=False,
        )
    name = accounts.get(account_id) if account_id is not None else None
    return ReplyRoute(network, account=name, confirmed=False)

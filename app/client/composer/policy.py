"""The cool-off's rules: how long a reply waits before it leaves (`CoolOffPolicy`), what can never
be sent at all (`check_sendable`), and `SendRefused`, the sentence the rep reads when the rules
say no."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from app.client.composer.cooling import CoolingReply, CoolingState
from app.models.composer import (
    DEFAULT_COOL_OFF_SECONDS,
    DEFAULT_HEATED_COOL_OFF_SECONDS,
    CoolOffPublic,
)
from app.models.networks import rules_for

if TYPE_CHECKING:  # importing the tone checker costs ~1 s: the composer loads it when shown
    from app.tone import ToneReport

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class CoolOffPolicy:
    """How long a reply waits: `heated_seconds` when the draft has heat or blame or the
    customer's mention is hostile. Managers set it per team on the server."""

    seconds: int = DEFAULT_COOL_OFF_SECONDS
    heated_seconds: int = DEFAULT_HEATED_COOL_OFF_SECONDS
    # A rep's reply that promises beyond their authority needs a manager's approval first.
    approval_required: bool = False

    @classmethod
    def from_public(cls, public: CoolOffPublic) -> CoolOffPolicy:
        return cls(
            public.seconds, max(public.heated_seconds, public.seconds), public.approval_required
        )

    def for_report(self, report: ToneReport) -> tuple[int, bool]:
        heated = report.take_a_breath or report.mention_hostile
        return (self.heated_seconds if heated else self.seconds), heated

    def fresh(
        self,
        now: datetime,
        mention_id: int,
        client_id: str,
        body: str,
        base_version: int,
        report: ToneReport,
        *,
        counted: bool = True,
        approval_id: int | None = None,
    ) -> CoolingReply:
        """A reply just sent, due after the cool-off its text and this policy ask for."""
        seconds, heated = self.for_report(report)
        return CoolingReply(
            seq=0,
            mention_id=mention_id,
            client_id=client_id,
            body=body,
            base_version=base_version,
            due_at=now + timedelta(seconds=seconds),
            queued_at=now,
            heated=heated,
            state=CoolingState.COUNTING,
            counted=counted,
            approval_id=approval_id,
        )


class SendRefused(Exception):
    """The composer asked for something the rules do not allow; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_sendable(body: str, report: ToneReport) -> None:
    """Refuse what can never go out: nothing to say, or more than the network takes."""
    if not body.strip():
        raise SendRefused("The reply is empty: write something before sending.")
    if report.limit is not None and report.length > report.limit:
        rules = rules_for(report.network)
        raise SendRefused(
            f"The reply is {report.length} {rules.length_unit}; {rules.display_name} takes "
            f"{report.limit}. Shorten it by {report.length - report.limit} before sending."
        )

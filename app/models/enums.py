"""The product's vocabulary as enums: networks, roles, duty, statuses and event types."""

from __future__ import annotations

from enum import StrEnum


class Network(StrEnum):
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    X = "x"
    FEED = "feed"
    WEBHOOK = "webhook"
    DEMO = "demo"


class Role(StrEnum):
    REP = "rep"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def is_manager(self) -> bool:
        """Managers and admins may act for anyone (duty, assignment, broadcasts)."""
        return self in (Role.MANAGER, Role.ADMIN)


class Duty(StrEnum):
    ON_DUTY = "on_duty"
    AWAY = "away"
    OFF_DUTY = "off_duty"


class MentionStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    HANDOFF = "handoff"
    REPLIED = "replied"
    RESOLVED = "resolved"
    SNOOZED = "snoozed"

    @property
    def is_open(self) -> bool:
        return self not in (MentionStatus.RESOLVED,)


class ReplyStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"  # taken back by its author (or a manager) before it left
    # Not sent: a colleague resolved or took the mention while it was held; its author decides
    # (send again with force, or leave it). `error` says what changed.
    STOPPED = "stopped"


class HandoffStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ESCALATED = "escalated"
    # Closed unanswered: the mention moved on (released, reassigned, resolved) meanwhile.
    CANCELLED = "cancelled"


class Severity(StrEnum):
    INFO = "info"
    IMPORTANT = "important"
    URGENT = "urgent"


class EventType(StrEnum):
    MENTION_CREATED = "mention.created"
    MENTION_UPDATED = "mention.updated"
    REPLY_UPDATED = "reply.updated"
    HANDOFF_UPDATED = "handoff.updated"
    DUTY_CHANGED = "duty.changed"
    BROADCAST_SENT = "broadcast.sent"
    BROADCAST_ACKED = "broadcast.acked"
    COVERAGE_GAP = "coverage.gap"
    FOLLOWUP_DUE = "followup.due"
    ACCOUNT_UPDATED = "account.updated"
    # A manager changed the canned replies or the playbook: consoles reload what they offer.
    CANNED_CHANGED = "canned.changed"
    # A manager changed a team's cool-off: consoles reload the rep's effective cool-off.
    COOL_OFF_CHANGED = "cool_off.changed"
    # On-call: a page went to a person (to that person and the managers), or changed
    # (acknowledged, passed on to the next person, unanswered by everyone).
    PAGE_SENT = "page.sent"
    PAGE_UPDATED = "page.updated"
    # A storm started, grew or blew over (to managers whatever their duty); storm.updated:
    # it was claimed or its holding statement went out (to everyone).
    STORM_ALERT = "storm.alert"
    STORM_UPDATED = "storm.updated"
    # A rep asked a manager to approve a reply that promises beyond their authority, or a
    # manager approved (perhaps edited) or denied it (to the rep and the managers).
    APPROVAL_UPDATED = "approval.updated"
    # An open mention went past its team's first-response target (to its owner and the
    # team's on-duty managers).
    SLA_BREACHED = "sla.breached"
    # A rep linked two customers into one (to everyone: consoles move the merged one's rows).
    CUSTOMER_LINKED = "customer.linked"
    # A colleague left an internal note on a mention (to everyone; `notify`: who it @mentions).
    NOTE_ADDED = "note.added"
    # Someone started or stopped viewing or typing on a mention (to everyone).
    PRESENCE_CHANGED = "presence.changed"


class RoutingMode(StrEnum):
    """How a team's new mentions find a person (services/routing.py): not at all (people
    claim them), in turn, or to whoever has the fewest open."""

    MANUAL = "manual"
    ROUND_ROBIN = "round_robin"
    BALANCED = "balanced"


class PriorityLevel(StrEnum):
    """A mention's priority in four levels, as response-time targets are set (the score's
    floors are app/tone/priority.py's PRIORITY_LEVEL_FLOORS)."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class PageState(StrEnum):
    """A page (services/on_call.py): waiting for its person, acknowledged, passed on to the
    next on-call person after `escalate_after` unanswered, or unanswered by the whole order."""

    WAITING = "waiting"
    ACKNOWLEDGED = "acknowledged"
    PASSED_ON = "passed_on"
    UNANSWERED = "unanswered"


class StormKind(StrEnum):
    VOLUME = "volume"  # more mentions than usual for that hour of the week
    ANGER = "anger"  # more angry mentions than usual


class StormState(StrEnum):
    RISING = "rising"
    ONGOING = "ongoing"
    OVER = "over"

"""Async HTTP client for the team server's public API: typed requests, typed results, typed errors.

Every call returns a wire schema from `app.models.schemas` or raises one of the `ApiError`
subclasses below, so callers deal with the user's world (offline, token refused, taken by Dana)
rather than with status codes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Self, TypeVar
from uuid import UUID

import httpx
from pydantic import BaseModel, ValidationError

from app.client.connection.errors import (
    NotFound,
    Offline,
    ServerError,
    Unauthorized,
    error_from_response,
    token_not_accepted_text,
    token_refused_text,
)
from app.client.hooks import Hook
from app.models.approval_schemas import (
    ApprovalCreate,
    ApprovalDeny,
    ApprovalPublic,
    ApprovalsPublic,
)
from app.models.bulk_schemas import BulkRequest, BulkResult
from app.models.composer import (
    CannedCreate,
    CannedPublic,
    CannedsPublic,
    CannedUpdate,
    CoolOffPublic,
    CoolOffUpdate,
    DraftPublic,
    DraftUpdate,
    ReplyAccountsPublic,
)
from app.models.customer_schemas import (
    CustomerLink,
    CustomerLinked,
    CustomerPublic,
    SavedViewCreate,
    SavedViewPublic,
    SavedViewsPublic,
    SavedViewUpdate,
    TagsPublic,
    TagsUpdate,
    TeamTagsPublic,
    TeamTagsUpdate,
)
from app.models.enums import Duty, MentionStatus, Network, Severity
from app.models.on_call_schemas import (
    OnCallPublic,
    OnCallUpdate,
    PageAck,
    PagePublic,
    PagesPublic,
    PagingPublic,
    PagingUpdate,
)
from app.models.routing_schemas import (
    ResponseTargetsPublic,
    ResponseTargetsUpdate,
    RoutingPublic,
    RoutingUpdate,
)
from app.models.schemas import (
    AssignRequest,
    BroadcastCreate,
    BroadcastPublic,
    BroadcastsPublic,
    ClaimRequest,
    CoveragePublic,
    DutyUpdate,
    HandoffCreate,
    HandoffDecline,
    HandoffPublic,
    HandoffsPublic,
    Health,
    IngestResult,
    MentionCreate,
    MentionDetail,
    MentionPublic,
    MentionsPublic,
    NoteCreate,
    NotePublic,
    PresencePublic,
    PresencesPublic,
    PresenceState,
    PresenceUpdate,
    ReplyCreate,
    ReplyPublic,
    ReplyUpdate,
    ResolveRequest,
    SnoozeRequest,
    UserCreate,
    UserCreated,
    UserPublic,
    UsersPublic,
    VersionedRequest,
)
from app.models.storm_schemas import (
    StormClaim,
    StormClaimResult,
    StormProgress,
    StormPublic,
    StormReply,
    StormReplyResult,
    StormsPublic,
)
from app.models.team_schemas import (
    FollowupsPublic,
    OverviewPublic,
    RosterPublic,
    RotaPublic,
    RotaUpdate,
    TeamCreate,
    TeamPublic,
    TeamsPublic,
    TeamUpdate,
)

API_PREFIX = "/api/v1"
PAGE_LIMIT_MAX = 500

_Model = TypeVar("_Model", bound=BaseModel)


async def check_token(
    base_url: str, token: str, *, transport: httpx.AsyncBaseTransport | None = None
) -> UserPublic:
    """Ask the server who this token is (`GET /api/v1/me`) before keeping it. Raises
    `Unauthorized` (with `token_not_accepted_text`) for a refused token, `Offline` and the
    other `ApiError`s as any call does."""
    async with ResponderApi(base_url, token, transport=transport) as api:
        try:
            return await api.me()
        except Unauthorized as exc:
            raise Unauthorized(token_not_accepted_text(api.base_url), exc.status, exc.code) from exc


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


class ResponderApi:
    """One user's connection to one team server (or the private solo server)."""

    def __init__(
        self,
        base_url: str | None,
        token: str | None,
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """`base_url=None` makes an unbound client (every call raises `Offline`) until `bind`:
        the console shows its cache while its solo server is still starting."""
        self._timeout = timeout
        self._transport = transport
        self.base_url = ""
        self._token = ""
        self._client: httpx.AsyncClient | None = None
        # Every 401 the server answers (a wrong or revoked token), with its sentence: the
        # session stops retrying and the console asks for a token again.
        self.token_refused: Hook[str] = Hook()
        if base_url is not None and token is not None:
            self.bind(base_url, token)

    @classmethod
    def unbound(cls) -> ResponderApi:
        return cls(None, None)

    @property
    def bound(self) -> bool:
        return self._client is not None

    def bind(self, base_url: str, token: str) -> None:
        """Point this client at its server (once)."""
        if self._client is not None:
            raise RuntimeError("This API client is already bound to a server.")
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(self._timeout),
            transport=self._transport,
        )

    def rebind(self, base_url: str, token: str) -> None:
        """Use another token (and server address) from now on: after Sign in…. Calls already
        on their way finish with the old one."""
        if self._client is None:
            self.bind(base_url, token)
            return
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._client.base_url = httpx.URL(self.base_url)
        self._client.headers["Authorization"] = f"Bearer {token}"

    @property
    def token(self) -> str:
        return self._token

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # --- plumbing ------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
    ) -> httpx.Response:
        if self._client is None:
            raise Offline("Not connected yet: the server is still starting or unknown.")
        try:
            response = await self._client.request(
                method, API_PREFIX + path, json=json, params=params
            )
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            raise Offline(f"The server at {self.base_url} did not answer ({exc!s}).") from exc
        if response.status_code >= 400:
            error = error_from_response(response)
            if isinstance(error, Unauthorized):
                self.token_refused.emit(token_refused_text(self.base_url))
            raise error
        return response

    async def _call(
        self,
        result: type[_Model],
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
    ) -> _Model:
        response = await self._request(method, path, json=json, params=params)
        try:
            return result.model_validate_json(response.content)
        except ValidationError as exc:
            raise ServerError(
                f"The server's answer to {method} {path} did not match the contract: {exc}",
                response.status_code,
            ) from exc

    # --- health, users, duty, coverage ---------------------------------------------------

    async def health(self) -> Health:
        return await self._call(Health, "GET", "/health")

    async def me(self) -> UserPublic:
        return await self._call(UserPublic, "GET", "/me")

    async def users(self) -> UsersPublic:
        return await self._call(UsersPublic, "GET", "/users")

    async def create_user(self, user: UserCreate) -> UserCreated:
        return await self._call(UserCreated, "POST", "/users", json=_dump(user))

    async def set_duty(self, user_id: int, duty: Duty) -> UserPublic:
        body = _dump(DutyUpdate(duty=duty))
        return await self._call(UserPublic, "PUT", f"/users/{user_id}/duty", json=body)

    async def coverage(self) -> CoveragePublic:
        return await self._call(CoveragePublic, "GET", "/coverage")

    # --- mentions ------------------------------------------------------------------------

    async def ingest(self, mentions: Sequence[MentionCreate]) -> IngestResult:
        body = [_dump(m) for m in mentions]
        return await self._call(IngestResult, "POST", "/mentions", json=body)

    async def list_mentions(
        self,
        *,
        status: Sequence[MentionStatus] | str | None = None,
        assignee: str | int | None = None,
        network: Network | None = None,
        q: str | None = None,
        mentioned: str | None = None,
        sort: str = "newest",
        limit: int = 50,
        offset: int = 0,
    ) -> MentionsPublic:
        params: dict[str, str | int] = {"sort": sort, "limit": limit, "offset": offset}
        if status is not None:
            params["status"] = status if isinstance(status, str) else ",".join(status)
        if assignee is not None:
            params["assignee"] = str(assignee)
        if network is not None:
            params["network"] = network.value
        if q:
            params["q"] = q
        if mentioned:
            params["mentioned"] = mentioned  # "me": a note @mentions the caller
        return await self._call(MentionsPublic, "GET", "/mentions", params=params)

    async def iter_mentions(
        self, *, status: Sequence[MentionStatus] | str | None = None, page_size: int = 500
    ) -> AsyncIterator[list[MentionPublic]]:
        """Every mention matching `status`, a page at a time (newest first)."""
        offset = 0
        while True:
            page = await self.list_mentions(status=status, limit=page_size, offset=offset)
            if not page.data:
                return
            yield page.data
            offset += len(page.data)
            if offset >= page.count:
                return

    async def mention(self, mention_id: int) -> MentionDetail:
        return await self._call(MentionDetail, "GET", f"/mentions/{mention_id}")

    async def add_note(
        self, mention_id: int, body: str, client_id: UUID | None = None
    ) -> NotePublic:
        """An internal note; `@Name` notifies that colleague. The same `client_id` again (a
        retry) adds nothing twice."""
        payload = _dump(NoteCreate(body=body, client_id=client_id))
        return await self._call(NotePublic, "POST", f"/mentions/{mention_id}/notes", json=payload)

    async def report_presence(self, mention_id: int, state: PresenceState) -> PresencePublic:
        payload = _dump(PresenceUpdate(state=state))
        return await self._call(
            PresencePublic, "POST", f"/mentions/{mention_id}/presence", json=payload
        )

    async def presence(self) -> PresencesPublic:
        """Every live viewing and typing state."""
        return await self._call(PresencesPublic, "GET", "/presence")

    async def claim(self, mention_id: int, version: int) -> MentionPublic:
        body = _dump(ClaimRequest(version=version))
        return await self._call(MentionPublic, "POST", f"/mentions/{mention_id}/claim", json=body)

    async def release(self, mention_id: int, version: int | None = None) -> MentionPublic:
        body = _dump(VersionedRequest(version=version))
        return await self._call(MentionPublic, "POST", f"/mentions/{mention_id}/release", json=body)

    async def resolve(
        self, mention_id: int, follow_up_in_days: int | None = None, version: int | None = None
    ) -> MentionPublic:
        body = _dump(ResolveRequest(version=version, follow_up_in_days=follow_up_in_days))
        return await self._call(MentionPublic, "POST", f"/mentions/{mention_id}/resolve", json=body)

    async def snooze(
        self,
        mention_id: int,
        *,
        minutes: int | None = None,
        until: datetime | None = None,
        version: int | None = None,
    ) -> MentionPublic:
        body = _dump(SnoozeRequest(version=version, minutes=minutes, until=until))
        return await self._call(MentionPublic, "POST", f"/mentions/{mention_id}/snooze", json=body)

    async def assign(
        self, mention_id: int, user_id: int | None, version: int | None = None
    ) -> MentionPublic:
        body = AssignRequest(user_id=user_id, version=version).model_dump(mode="json")
        return await self._call(MentionPublic, "POST", f"/mentions/{mention_id}/assign", json=body)

    # --- replies, handoffs, broadcasts ---------------------------------------------------

    async def bulk(self, request: BulkRequest) -> BulkResult:
        """One action on many mentions, each as its single call would do it."""
        body = request.model_dump(mode="json", exclude_none=True)
        return await self._call(BulkResult, "POST", "/mentions/bulk", json=body)

    async def reply(self, mention_id: int, reply: ReplyCreate) -> ReplyPublic:
        """Hand a reply to the server, which holds it for its cool-off (`due_at`)."""
        return await self._call(
            ReplyPublic, "POST", f"/mentions/{mention_id}/replies", json=_dump(reply)
        )

    async def edit_reply(self, reply_id: int, change: ReplyUpdate) -> ReplyPublic:
        """New text for a reply the server holds; 409 `reply_left` once it has left."""
        return await self._call(ReplyPublic, "PUT", f"/replies/{reply_id}", json=_dump(change))

    async def cancel_reply(self, reply_id: int) -> ReplyPublic:
        """Take back a reply the server holds; 409 `reply_left` once it has left."""
        return await self._call(ReplyPublic, "POST", f"/replies/{reply_id}/cancel", json={})

    async def send_reply_now(self, reply_id: int) -> ReplyPublic:
        """End a held reply's countdown (not before the team's cool-off from its arrival)."""
        return await self._call(ReplyPublic, "POST", f"/replies/{reply_id}/send-now", json={})

    async def create_handoff(self, handoff: HandoffCreate) -> HandoffPublic:
        return await self._call(HandoffPublic, "POST", "/handoffs", json=_dump(handoff))

    async def accept_handoff(self, handoff_id: int) -> HandoffPublic:
        return await self._call(HandoffPublic, "POST", f"/handoffs/{handoff_id}/accept", json={})

    async def decline_handoff(self, handoff_id: int, reason: str) -> HandoffPublic:
        body = _dump(HandoffDecline(reason=reason))
        return await self._call(HandoffPublic, "POST", f"/handoffs/{handoff_id}/decline", json=body)

    async def broadcasts(self, *, unacked_by_me: bool = False, limit: int = 50) -> BroadcastsPublic:
        """Newest first, each with its acknowledgements; `unacked_by_me`: only those I owe."""
        params: dict[str, str | int] = {"limit": limit}
        if unacked_by_me:
            params["unacked"] = "me"
        return await self._call(BroadcastsPublic, "GET", "/broadcasts", params=params)

    async def send_broadcast(
        self, text: str, severity: Severity = Severity.INFO
    ) -> BroadcastPublic:
        body = _dump(BroadcastCreate(text=text, severity=severity))
        return await self._call(BroadcastPublic, "POST", "/broadcasts", json=body)

    async def ack_broadcast(self, broadcast_id: int) -> BroadcastPublic:
        return await self._call(BroadcastPublic, "POST", f"/broadcasts/{broadcast_id}/ack", json={})

    async def handoffs(
        self,
        *,
        box: str | None = None,
        status: str | None = None,
        mention_id: int | None = None,
        limit: int = 500,
    ) -> HandoffsPublic:
        """Open handoffs to me, to my teams and from me (oldest first) unless `box`/`status`
        say otherwise (box: to_me | to_my_teams | from_me | all; status: open | all)."""
        params: dict[str, str | int] = {"limit": limit}
        if box is not None:
            params["box"] = box
        if status is not None:
            params["status"] = status
        if mention_id is not None:
            params["mention_id"] = mention_id
        return await self._call(HandoffsPublic, "GET", "/handoffs", params=params)

    async def roster(self) -> RosterPublic:
        return await self._call(RosterPublic, "GET", "/roster")

    async def rota(self, team_id: int) -> RotaPublic:
        return await self._call(RotaPublic, "GET", f"/teams/{team_id}/rota")

    async def set_rota(self, team_id: int, update: RotaUpdate) -> RotaPublic:
        """Replaces the team's whole weekly rota (managers)."""
        return await self._call(RotaPublic, "PUT", f"/teams/{team_id}/rota", json=_dump(update))

    async def overview(self, days: int = 7) -> OverviewPublic:
        """First-response times and duty coverage over the past `days` (managers only)."""
        return await self._call(OverviewPublic, "GET", "/overview", params={"days": days})

    async def followups(self, *, scope: str = "me", when: str = "due") -> FollowupsPublic:
        params: dict[str, str | int] = {"scope": scope, "when": when}
        return await self._call(FollowupsPublic, "GET", "/followups", params=params)

    async def complete_followup(self, mention_id: int) -> MentionPublic:
        return await self._call(MentionPublic, "POST", f"/followups/{mention_id}/done", json={})

    # --- the reply composer: synced drafts, canned replies, cool-off ---------------------

    async def draft(self, mention_id: int) -> DraftPublic | None:
        """The caller's synced draft of a reply to this mention; None when there is none."""
        try:
            return await self._call(DraftPublic, "GET", f"/mentions/{mention_id}/draft")
        except NotFound as exc:
            if exc.code == "no_draft":
                return None
            raise

    async def save_draft(self, mention_id: int, update: DraftUpdate) -> DraftPublic:
        body = update.model_dump(mode="json")
        return await self._call(DraftPublic, "PUT", f"/mentions/{mention_id}/draft", json=body)

    async def delete_draft(self, mention_id: int) -> None:
        await self._request("DELETE", f"/mentions/{mention_id}/draft")

    async def canned(self) -> CannedsPublic:
        return await self._call(CannedsPublic, "GET", "/canned")

    async def cool_off(self) -> CoolOffPublic:
        return await self._call(CoolOffPublic, "GET", "/cool-off")

    async def create_canned(self, entry: CannedCreate) -> CannedPublic:
        """Add a canned reply or playbook entry (managers)."""
        return await self._call(CannedPublic, "POST", "/canned", json=entry.model_dump(mode="json"))

    async def update_canned(self, canned_id: int, change: CannedUpdate) -> CannedPublic:
        body = change.model_dump(mode="json", exclude_none=True)
        return await self._call(CannedPublic, "PATCH", f"/canned/{canned_id}", json=body)

    async def delete_canned(self, canned_id: int) -> None:
        await self._request("DELETE", f"/canned/{canned_id}")

    async def team_cool_off(self, team_id: int) -> CoolOffPublic:
        return await self._call(CoolOffPublic, "GET", f"/teams/{team_id}/cool-off")

    async def set_team_cool_off(self, team_id: int, setting: CoolOffUpdate) -> CoolOffPublic:
        """Set a team's cool-off (managers); the server refuses heated < normal."""
        body = setting.model_dump(mode="json")
        return await self._call(CoolOffPublic, "PUT", f"/teams/{team_id}/cool-off", json=body)

    async def reply_accounts(self) -> ReplyAccountsPublic:
        return await self._call(ReplyAccountsPublic, "GET", "/reply-accounts")

    async def teams(self) -> TeamsPublic:
        return await self._call(TeamsPublic, "GET", "/teams")

    async def create_team(self, team: TeamCreate) -> TeamPublic:
        """Add a team (admins); 409 `name_taken` when the name is in use."""
        return await self._call(TeamPublic, "POST", "/teams", json=_dump(team))

    async def update_team(self, team_id: int, change: TeamUpdate) -> TeamPublic:
        """Rename/describe (admins) or set time zone and escalation (managers)."""
        body = change.model_dump(mode="json", exclude_none=True)
        return await self._call(TeamPublic, "PATCH", f"/teams/{team_id}", json=body)

    async def add_team_member(self, team_id: int, user_id: int) -> TeamPublic:
        return await self._call(TeamPublic, "POST", f"/teams/{team_id}/members/{user_id}")

    async def remove_team_member(self, team_id: int, user_id: int) -> TeamPublic:
        return await self._call(TeamPublic, "DELETE", f"/teams/{team_id}/members/{user_id}")

    # --- routing and response-time targets ----------------------------------------------

    async def routing(self, team_id: int) -> RoutingPublic:
        return await self._call(RoutingPublic, "GET", f"/teams/{team_id}/routing")

    async def set_routing(self, team_id: int, update: RoutingUpdate) -> RoutingPublic:
        """Change how the team's new mentions are handed out (managers); fields left out keep
        their value. The first save makes the team route."""
        return await self._call(
            RoutingPublic, "PUT", f"/teams/{team_id}/routing", json=_dump(update)
        )

    async def response_targets(self, team_id: int) -> ResponseTargetsPublic:
        return await self._call(ResponseTargetsPublic, "GET", f"/teams/{team_id}/sla")

    async def set_response_targets(
        self, team_id: int, update: ResponseTargetsUpdate
    ) -> ResponseTargetsPublic:
        """Replace the team's first-response targets (managers); a level left out has none."""
        body = update.model_dump(mode="json")
        return await self._call(ResponseTargetsPublic, "PUT", f"/teams/{team_id}/sla", json=body)

    # --- on-call paging ------------------------------------------------------------------

    async def on_call(self, team_id: int) -> OnCallPublic:
        return await self._call(OnCallPublic, "GET", f"/teams/{team_id}/on-call")

    async def set_on_call(self, team_id: int, update: OnCallUpdate) -> OnCallPublic:
        """Set the team's on-call order (managers); an empty list follows the rota again."""
        return await self._call(
            OnCallPublic, "PUT", f"/teams/{team_id}/on-call", json=_dump(update)
        )

    async def paging(self) -> PagingPublic:
        return await self._call(PagingPublic, "GET", "/users/me/paging")

    async def set_paging(self, update: PagingUpdate) -> PagingPublic:
        return await self._call(PagingPublic, "PUT", "/users/me/paging", json=_dump(update))

    async def pages(self, *, state: str = "waiting") -> PagesPublic:
        """Pages to me (managers: to anyone) in `state` ("waiting", or "all")."""
        return await self._call(PagesPublic, "GET", "/pages", params={"state": state})

    async def ack_page(self, page_id: int, *, take_watch: bool = False) -> PagePublic:
        body = _dump(PageAck(take_watch=take_watch))
        return await self._call(PagePublic, "POST", f"/pages/{page_id}/ack", json=body)

    # --- storms --------------------------------------------------------------------------

    async def storms(self, *, state: str = "open") -> StormsPublic:
        """Storms "open" (rising or ongoing) or "all" (the recent ones too)."""
        return await self._call(StormsPublic, "GET", "/storms", params={"state": state})

    async def storm(self, storm_id: int) -> StormPublic:
        return await self._call(StormPublic, "GET", f"/storms/{storm_id}")

    async def claim_storm(self, storm_id: int, claim: StormClaim) -> StormClaimResult:
        body = claim.model_dump(mode="json", exclude_none=True)
        return await self._call(StormClaimResult, "POST", f"/storms/{storm_id}/claim", json=body)

    async def reply_to_storm(self, storm_id: int, reply: StormReply) -> StormReplyResult:
        body = reply.model_dump(mode="json", exclude_none=True)
        return await self._call(StormReplyResult, "POST", f"/storms/{storm_id}/reply", json=body)

    async def storm_progress(self, storm_id: int) -> StormProgress:
        return await self._call(StormProgress, "GET", f"/storms/{storm_id}/progress")

    # --- approvals -----------------------------------------------------------------------

    async def ask_approval(self, request: ApprovalCreate) -> ApprovalPublic:
        return await self._call(ApprovalPublic, "POST", "/approvals", json=_dump(request))

    async def approvals(
        self, *, state: str = "all", mention_id: int | None = None, limit: int = 100
    ) -> ApprovalsPublic:
        """Managers: every request; a rep: their own (oldest first)."""
        params: dict[str, str | int] = {"state": state, "limit": limit}
        if mention_id is not None:
            params["mention_id"] = mention_id
        return await self._call(ApprovalsPublic, "GET", "/approvals", params=params)

    async def approve(self, approval_id: int, body: str | None = None) -> ApprovalPublic:
        """Approve as the rep wrote it, or with an edited `body` (managers)."""
        payload = {"body": body} if body is not None else {}
        return await self._call(
            ApprovalPublic, "POST", f"/approvals/{approval_id}/approve", json=payload
        )

    async def deny(self, approval_id: int, reason: str) -> ApprovalPublic:
        body = _dump(ApprovalDeny(reason=reason))
        return await self._call(ApprovalPublic, "POST", f"/approvals/{approval_id}/deny", json=body)

    # --- customers, tags, saved views ----------------------------------------------------

    async def customer(self, customer_id: int) -> CustomerPublic:
        """A customer's identities and history (their mentions, the replies, notes, handoffs)."""
        return await self._call(CustomerPublic, "GET", f"/customers/{customer_id}")

    async def link_customer(self, customer_id: int, other_id: int) -> CustomerLinked:
        """Merge customer `other_id` into `customer_id` (one person on two networks)."""
        body = _dump(CustomerLink(customer_id=other_id))
        return await self._call(CustomerLinked, "POST", f"/customers/{customer_id}/link", json=body)

    async def set_tags(self, mention_id: int, tags: Sequence[str]) -> MentionPublic:
        body = _dump(TagsUpdate(tags=list(tags)))
        return await self._call(MentionPublic, "PUT", f"/mentions/{mention_id}/tags", json=body)

    async def tags(self) -> TagsPublic:
        """Every tag in use and every team's list (what to offer while typing)."""
        return await self._call(TagsPublic, "GET", "/tags")

    async def team_tags(self, team_id: int) -> TeamTagsPublic:
        return await self._call(TeamTagsPublic, "GET", f"/teams/{team_id}/tags")

    async def set_team_tags(self, team_id: int, update: TeamTagsUpdate) -> TeamTagsPublic:
        body = _dump(update)
        return await self._call(TeamTagsPublic, "PUT", f"/teams/{team_id}/tags", json=body)

    async def saved_views(self) -> SavedViewsPublic:
        return await self._call(SavedViewsPublic, "GET", "/me/views")

    async def create_view(self, view: SavedViewCreate) -> SavedViewPublic:
        return await self._call(SavedViewPublic, "POST", "/me/views", json=_dump(view))

    async def update_view(self, view_id: int, change: SavedViewUpdate) -> SavedViewPublic:
        body = change.model_dump(mode="json", exclude_none=True)
        return await self._call(SavedViewPublic, "PUT", f"/me/views/{view_id}", json=body)

    async def delete_view(self, view_id: int) -> None:
        await self._request("DELETE", f"/me/views/{view_id}")

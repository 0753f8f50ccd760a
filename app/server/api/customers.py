"""Customers: one customer's identities and history, and linking two customers into one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.models.customer_schemas import CustomerLink, CustomerLinked, CustomerPublic
from app.models.schemas import INT64_MAX
from app.server.access import viewer_for
from app.server.api.deps import ERRORS, CurrentUser, DatabaseDep, NowDep, ReadSessionDep
from app.server.api.transaction import in_write_transaction
from app.server.services import customers as service

router = APIRouter(prefix="/customers", tags=["customers"], responses=ERRORS)

CustomerIdPath = Annotated[
    int, Path(ge=1, lt=INT64_MAX + 1, description="A customer id (a mention's `customer_id`).")
]


@router.get("/{customer_id}", response_model=CustomerPublic)
def read_customer(
    customer_id: CustomerIdPath, user: CurrentUser, session: ReadSessionDep
) -> CustomerPublic:
    """The customer's identities on each network, their language and reach, and (newest
    first, their 200 newest mentions) their mentions, the brand's replies to them, the
    internal notes on them and the handoffs still waiting. 404 for a customer linked into
    another one."""
    return service.customer_detail(session, customer_id, viewer=viewer_for(session, user))


@router.post("/{customer_id}/link", response_model=CustomerLinked)
async def link_customer(
    customer_id: CustomerIdPath, body: CustomerLink, user: CurrentUser, db: DatabaseDep, now: NowDep
) -> CustomerLinked:
    """Merge the customer `customer_id` of the body into this one: all its identities and
    mentions move here and it answers 404 from then on (422 for the same customer). Consoles
    hear `customer.linked` (`customer_id`, `merged_id`)."""
    return await in_write_transaction(
        db,
        lambda s: service.link_customers(s, customer_id, body.customer_id, by=user, now=now),
    )

"""Searching dead-hour tables (anyone, signed in or not)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from dinner1.core.deps import RuntimeDep, SessionDep, TenantDep
from dinner1.deals import search as searching
from dinner1.deals.schemas import ResultOut
from dinner1.deals.views import result_out

router = APIRouter(prefix="/api/v1/deals", tags=["deals"])


class SearchOut(BaseModel):
    items: list[ResultOut]
    page: int
    per_page: int
    has_more: bool
    approximate_conversion: bool = True


@router.get("/search", response_model=SearchOut)
async def search_deals(
    session: SessionDep,
    tenant: TenantDep,
    runtime: RuntimeDep,
    params: Annotated[searching.SearchParams, Query()],
) -> SearchOut:
    """Tables near a place, on a day and time window, for a party size, by diet, price,
    discount, category and words; sorted by relevance, distance, discount, rating or time."""
    query = searching.query_from(params, tenant.id, runtime.settings.locale.default_timezone)
    rates = runtime.settings.locale.exchange_rates
    found, more = await searching.search(session, query, rates)
    return SearchOut(
        items=[result_out(f, params.currency, rates) for f in found],
        page=params.page,
        per_page=params.per_page,
        has_more=more,
    )

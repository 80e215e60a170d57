from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from dinner1.accounts.auth import AdminPrincipal
from dinner1.core.deps import SessionDep, TenantDep
from dinner1.mail import service
from dinner1.mail.schemas import OutboxEmailOut
from dinner1.privacy.audit import record_access_many

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get("/outbox", response_model=list[OutboxEmailOut])
async def read_outbox(
    admin: AdminPrincipal,
    session: SessionDep,
    tenant: TenantDep,
    to: Annotated[str | None, Query(max_length=320)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[OutboxEmailOut]:
    """Emails written by this tenant, newest first (where mail lands without SMTP)."""
    emails = await service.list_outbox(session, tenant.id, to_address=to, limit=limit)
    await record_access_many(session, admin, [e.user_id for e in emails], "outbox.read")
    return [OutboxEmailOut.model_validate(e) for e in emails]

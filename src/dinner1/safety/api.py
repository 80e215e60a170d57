"""Blocks (reports and moderation join later)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict
from starlette.responses import Response

from dinner1.accounts.auth import CurrentPrincipal
from dinner1.core.deps import SessionDep
from dinner1.safety import blocks

router = APIRouter(prefix="/api/v1/blocks", tags=["safety"])


class BlockIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: uuid.UUID


@router.post("", status_code=status.HTTP_204_NO_CONTENT)
async def block_member(data: BlockIn, principal: CurrentPrincipal, session: SessionDep) -> Response:
    """Block a member: you disappear from each other everywhere. They are not told."""
    await blocks.block(session, principal.tenant_id, principal.user_id, data.user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("", response_model=list[uuid.UUID])
async def my_blocks(principal: CurrentPrincipal, session: SessionDep) -> list[uuid.UUID]:
    """Members you blocked."""
    return await blocks.blocked_by(session, principal.tenant_id, principal.user_id)


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def unblock_member(
    user_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Lift a block you made."""
    await blocks.unblock(session, principal.tenant_id, principal.user_id, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

"""Blocking: symmetric and silent. Every place that shows one member to another asks
`hidden_from` (or uses `not_blocked_between` in SQL) before showing anyone."""

from __future__ import annotations

import uuid

from sqlalchemy import and_, delete, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from dinner1.core.errors import BadRequest, NotFound
from dinner1.locale.service import gettext as _
from dinner1.safety.models import Block


async def block(
    session: AsyncSession, tenant_id: uuid.UUID, blocker_id: uuid.UUID, blocked_id: uuid.UUID
) -> None:
    if blocker_id == blocked_id:
        raise BadRequest(_("You cannot block yourself."))
    try:
        async with session.begin_nested():
            session.add(Block(tenant_id=tenant_id, blocker_id=blocker_id, blocked_id=blocked_id))
    except IntegrityError:
        return  # already blocked (or unknown member: nothing to hide, nothing to say)


async def unblock(
    session: AsyncSession, tenant_id: uuid.UUID, blocker_id: uuid.UUID, blocked_id: uuid.UUID
) -> None:
    result = await session.execute(
        delete(Block).where(
            Block.tenant_id == tenant_id,
            Block.blocker_id == blocker_id,
            Block.blocked_id == blocked_id,
        )
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(_("You have not blocked this member."))


async def blocked_by(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> list[uuid.UUID]:
    """The members this member blocked (their own list; never who blocked them)."""
    query = select(Block.blocked_id).where(
        Block.tenant_id == tenant_id, Block.blocker_id == user_id
    )
    return list((await session.execute(query)).scalars())


async def hidden_from(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID
) -> set[uuid.UUID]:
    """Everyone on either side of a block with this member."""
    query = select(Block.blocker_id, Block.blocked_id).where(
        Block.tenant_id == tenant_id, or_(Block.blocker_id == user_id, Block.blocked_id == user_id)
    )
    return {b if a == user_id else a for a, b in (await session.execute(query)).all()}


def not_blocked_between(
    tenant_id: uuid.UUID,
    me: uuid.UUID,
    other: ColumnElement[uuid.UUID] | InstrumentedAttribute[uuid.UUID] | uuid.UUID,
) -> ColumnElement[bool]:
    """SQL: no block in either direction between `me` and the row's member."""
    return ~exists().where(
        Block.tenant_id == tenant_id,
        or_(
            and_(Block.blocker_id == me, Block.blocked_id == other),
            and_(Block.blocker_id == other, Block.blocked_id == me),
        ),
    )


async def all_blocked_pairs(
    session: AsyncSession, tenant_id: uuid.UUID
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    query = select(Block.blocker_id, Block.blocked_id).where(Block.tenant_id == tenant_id)
    return [(a, b) for a, b in (await session.execute(query)).all()]

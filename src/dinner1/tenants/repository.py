from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.tenants.models import Tenant, TenantHost


async def get_default(session: AsyncSession) -> Tenant | None:
    result = await session.execute(select(Tenant).where(Tenant.is_default.is_(True)))
    return result.scalar_one_or_none()


async def get_by_slug(session: AsyncSession, slug: str) -> Tenant | None:
    result = await session.execute(select(Tenant).where(Tenant.slug == slug))
    return result.scalar_one_or_none()


async def list_active_with_hosts(session: AsyncSession) -> list[tuple[Tenant, list[str]]]:
    tenants = (await session.execute(select(Tenant).where(Tenant.is_active.is_(True)))).scalars()
    hosts = (await session.execute(select(TenantHost))).scalars().all()
    by_tenant: dict[object, list[str]] = {}
    for host in hosts:
        by_tenant.setdefault(host.tenant_id, []).append(host.host)
    return [(tenant, by_tenant.get(tenant.id, [])) for tenant in tenants]

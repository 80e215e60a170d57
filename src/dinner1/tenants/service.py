"""Tenants: which white-label brand a request belongs to, resolved from its host."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.core.errors import Conflict
from dinner1.db.session import Database
from dinner1.tenants import repository
from dinner1.tenants.models import Tenant, TenantHost


@dataclass(frozen=True, slots=True)
class TenantContext:
    id: uuid.UUID
    slug: str
    name: str
    default_locale: str
    default_currency: str
    is_default: bool

    @classmethod
    def of(cls, tenant: Tenant) -> TenantContext:
        return cls(
            id=tenant.id,
            slug=tenant.slug,
            name=tenant.name,
            default_locale=tenant.default_locale,
            default_currency=tenant.default_currency,
            is_default=tenant.is_default,
        )


async def ensure_default_tenant(session: AsyncSession, *, slug: str, name: str) -> Tenant:
    tenant = await repository.get_default(session)
    if tenant is None:
        tenant = Tenant(slug=slug, name=name, is_default=True)
        session.add(tenant)
        await session.flush()
    return tenant


async def create_tenant(
    session: AsyncSession, *, slug: str, name: str, hosts: list[str], default_locale: str = "en"
) -> Tenant:
    if await repository.get_by_slug(session, slug) is not None:
        raise Conflict(f"a tenant with slug {slug!r} already exists")
    tenant = Tenant(slug=slug, name=name, default_locale=default_locale)
    session.add(tenant)
    await session.flush()
    for host in hosts:
        session.add(TenantHost(tenant_id=tenant.id, host=normalize_host(host)))
    await session.flush()
    return tenant


def normalize_host(host: str) -> str:
    """`Example.MA:8443` → `example.ma`; IPv6 literals keep their brackets."""
    host = host.strip().lower().rstrip(".")
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.split(":", 1)[0]


class TenantDirectory:
    """In-memory map host → tenant, refreshed every few seconds (tenants change rarely)."""

    def __init__(self, db: Database, ttl_seconds: float = 15.0) -> None:
        self._db = db
        self._ttl = ttl_seconds
        self._by_host: dict[str, TenantContext] = {}
        self._default: TenantContext | None = None
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    async def resolve(self, host: str | None) -> TenantContext:
        if time.monotonic() - self._loaded_at > self._ttl or self._default is None:
            await self.refresh()
        assert self._default is not None
        if host:
            found = self._by_host.get(normalize_host(host))
            if found is not None:
                return found
        return self._default

    async def refresh(self, *, force: bool = False) -> None:
        async with self._lock:
            if not force and time.monotonic() - self._loaded_at <= self._ttl and self._default:
                return
            async with self._db.sessionmaker() as session:
                rows = await repository.list_active_with_hosts(session)
            by_host: dict[str, TenantContext] = {}
            default: TenantContext | None = None
            for tenant, hosts in rows:
                context = TenantContext.of(tenant)
                default = context if tenant.is_default else default
                for host in hosts:
                    by_host[host] = context
            if default is None:
                raise RuntimeError("no default tenant; run `dinner1 migrate`")
            self._by_host, self._default = by_host, default
            self._loaded_at = time.monotonic()

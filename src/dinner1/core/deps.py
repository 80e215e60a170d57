"""Request-scoped dependencies shared by every router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.core.errors import AppError
from dinner1.runtime import Runtime
from dinner1.tenants.service import TenantContext


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_tenant(request: Request) -> TenantContext:
    tenant: TenantContext = request.state.tenant
    return tenant


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, committed here after the handler returns and before the
    response leaves; queued jobs and events go out only after that commit."""
    db = get_runtime(request).db
    async with db.sessionmaker() as session:
        try:
            yield session
        except AppError as error:
            if error.commit_session:
                await db.commit(session)
            else:
                await db.rollback(session)
            raise
        except BaseException:
            await db.rollback(session)
            raise
        else:
            await db.commit(session)


def client_ip(request: Request) -> str:
    if get_runtime(request).settings.http.trust_proxy_headers:
        forwarded = request.headers.get("x-forwarded-for")
        if forwarded:
            return forwarded.split(",", 1)[0].strip()
    return request.client.host if request.client else "unknown"


def public_base_url(request: Request) -> str:
    configured = get_runtime(request).settings.http.public_url
    if configured:
        return configured.rstrip("/")
    return str(request.base_url).rstrip("/")


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
TenantDep = Annotated[TenantContext, Depends(get_tenant)]
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]

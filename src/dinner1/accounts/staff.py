"""Staff accounts created by operators (CLI), not through public sign-up."""

from __future__ import annotations

import uuid
from datetime import date

from dinner1.accounts import repository
from dinner1.accounts.models import Role, User
from dinner1.accounts.passwords import check_new_password
from dinner1.accounts.service import normalize_email
from dinner1.config import Settings
from dinner1.core.errors import Conflict, NotFound
from dinner1.core.security import hash_password
from dinner1.db.engine import create_engine
from dinner1.db.session import Database
from dinner1.db.types import utcnow
from dinner1.tenants import repository as tenants

# Staff accounts are not dating profiles; the birth date only satisfies the column.
STAFF_BIRTH_DATE = date(1990, 1, 1)


async def create_staff_account(
    settings: Settings,
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    tenant_slug: str | None = None,
) -> uuid.UUID:
    email = normalize_email(email)
    check_new_password(password, settings.security, email=email)
    db = Database(create_engine(settings))
    try:
        async with db.unit_of_work() as session:
            tenant = await (
                tenants.get_by_slug(session, tenant_slug)
                if tenant_slug
                else tenants.get_default(session)
            )
            if tenant is None:
                raise NotFound(f"no tenant {tenant_slug or '(default)'}; run `dinner1 migrate`")
            if await repository.get_user_by_email(session, tenant.id, email) is not None:
                raise Conflict(f"{email} already has an account")
            user = User(
                tenant_id=tenant.id,
                email=email,
                password_hash=await hash_password(password),
                display_name=name,
                date_of_birth=STAFF_BIRTH_DATE,
                role=Role(role).value,
                email_verified_at=utcnow(),
            )
            session.add(user)
            await session.flush()
            return user.id
    finally:
        await db.dispose()

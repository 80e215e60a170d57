"""Which country a member is in, from their city or verified phone: for crisis lines and
phone numbers."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.models import User
from dinner1.locale.cities import CITY_ALIASES, CITY_BY_KEY
from dinner1.profiles import repository as profiles
from dinner1.safety.phones import country_of_phone
from dinner1.tenants.models import Tenant

INTERNATIONAL = "international"


def country_of_city(city: str | None) -> str | None:
    if not city:
        return None
    key = " ".join(city.strip().lower().split())
    found = CITY_BY_KEY.get(CITY_ALIASES.get(key, key))
    return found.country if found else None


async def member_country(session: AsyncSession, user: User) -> str:
    """ISO country of the member's home city (or profile city), else of their verified phone
    ("international" for a number from a country we do not serve); Morocco for the default
    tenant when none is known; "international" otherwise."""
    profile = await profiles.get_profile(session, user.tenant_id, user.id)
    for city in (user.home_city, profile.city if profile else None):
        country = country_of_city(city)
        if country:
            return country
    if user.phone and user.phone_verified_at is not None:
        return country_of_phone(user.phone) or INTERNATIONAL
    tenant = await session.get(Tenant, user.tenant_id)
    return "MA" if tenant is not None and tenant.is_default else INTERNATIONAL

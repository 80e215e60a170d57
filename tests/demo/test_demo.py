from __future__ import annotations

from sqlalchemy import func, select

from dinner1.accounts.models import User
from dinner1.config import Settings
from dinner1.deals.models import Deal
from dinner1.demo.world import ADMIN_EMAIL, DEMO_PASSWORD, load_demo_world
from dinner1.privacy.models import ConsentRecord
from dinner1.profiles.models import Profile, SoulEmbedding
from dinner1.runtime import Runtime
from dinner1.safety.models import Report
from dinner1.venues.models import Venue


async def count(runtime: Runtime, model: type) -> int:
    async with runtime.db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_demo_world_is_complete_and_loads_once(
    settings: Settings, runtime: Runtime
) -> None:
    report = await load_demo_world(settings, members=24, seed=7)
    assert report.created
    assert ("admin", ADMIN_EMAIL, DEMO_PASSWORD) in report.credentials
    assert await count(runtime, Profile) == 24
    assert await count(runtime, Venue) >= 30
    assert await count(runtime, Deal) > 100
    # Most members allow semantic matching, so their answers are embedded; a few cases
    # wait for the moderators, the threat at the top.
    consents = await count(runtime, ConsentRecord)
    assert consents > 24
    assert 0 < await count(runtime, SoulEmbedding) < 24
    async with runtime.db.sessionmaker() as session:
        queue = list(
            (await session.execute(select(Report).order_by(Report.severity.desc()))).scalars()
        )
    assert len(queue) == 4 and queue[0].category == "threats"
    again = await load_demo_world(settings, members=24, seed=7)
    assert not again.created
    assert await count(runtime, ConsentRecord) == consents
    assert await count(runtime, User) == 24 + 12 + 3


async def test_demo_members_get_matches_and_venues_are_searchable(
    settings: Settings, runtime: Runtime
) -> None:
    import httpx

    from tests.fixtures.factories import bearer, login

    await load_demo_world(settings, members=40, seed=3)
    await runtime.tenants.refresh(force=True)
    from dinner1.app import create_app

    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            member = next(
                email
                for role, email, _ in (
                    await load_demo_world(settings, members=40, seed=3)
                ).credentials
                if role == "member"
            )
            headers = bearer(await login(client, member, DEMO_PASSWORD))
            matches = await client.get("/api/v1/matches/today", headers=headers)
            assert matches.status_code == 200
            search = await client.get(
                "/api/v1/deals/search",
                params={"city": "casablanca", "radius_km": 20, "sort": "discount"},
            )
            assert search.status_code == 200

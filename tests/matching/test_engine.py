"""The matching engine's index across processes: saved after a build, loaded by the next
process without a rebuild, caught up with changes made elsewhere, renewed on a new day."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from dinner1.accounts.models import User
from dinner1.db.types import utcnow
from dinner1.matching import engine as engine_module
from dinner1.matching.clock import local_today
from dinner1.matching.engine import MatchingEngine, TenantMatching
from dinner1.profiles.models import Profile
from dinner1.runtime import Runtime
from tests.fixtures.profiles import create_member
from tests.matching.test_daily import MAN, _tenant


def another_process(runtime: Runtime) -> MatchingEngine:
    """A second app process: same database and data directory, nothing in memory."""
    return MatchingEngine(runtime.db, runtime.settings.data_dir / "matching")


async def _set_profile(runtime: Runtime, user_id: uuid.UUID, **values: object) -> None:
    async with runtime.db.unit_of_work() as session:
        profile = (
            await session.execute(select(Profile).where(Profile.user_id == user_id))
        ).scalar_one()
        for name, value in values.items():
            setattr(profile, name, value)


async def _set_user(runtime: Runtime, user_id: uuid.UUID, **values: object) -> None:
    async with runtime.db.unit_of_work() as session:
        user = await session.get(User, user_id)
        assert user is not None
        for name, value in values.items():
            setattr(user, name, value)


async def test_a_built_index_is_saved_and_the_next_process_loads_it(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    women = [await create_member(runtime, name=f"W{i}") for i in range(3)]
    men = [await create_member(runtime, name=f"M{i}", **MAN) for i in range(3)]
    tenant_id, today = await _tenant(runtime), local_today("Africa/Casablanca")
    first = another_process(runtime)
    built = await first.for_tenant(tenant_id, today)
    assert len(built.index) == 6

    second = another_process(runtime)

    async def no_build(*_: object) -> TenantMatching:
        raise AssertionError("the saved index should have been loaded")

    monkeypatch.setattr(second, "_build", no_build)
    loaded = await second.for_tenant(tenant_id, today)
    assert len(loaded.index) == 6
    assert loaded.rarity.population == built.rarity.population
    assert loaded.rarity.counts == built.rarity.counts
    for user_id in women + men:
        assert loaded.index.key_of(user_id) == built.index.key_of(user_id)


async def test_each_process_catches_up_with_changes_made_elsewhere(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    await create_member(runtime, name="W")
    staying = await create_member(runtime, name="M1", **MAN)
    pausing = await create_member(runtime, name="M2", **MAN)
    tenant_id, today = await _tenant(runtime), local_today("Africa/Casablanca")
    here = another_process(runtime)
    state = await here.for_tenant(tenant_id, today)
    key = state.index.key_of(staying)
    assert key is not None and state.index.key_of(pausing) is not None

    # Another process handles these edits: nothing tells this one directly.
    await _set_profile(runtime, pausing, paused=True, discoverable=False)
    await _set_profile(runtime, staying, cell_lat=31.63, cell_lon=-8.0, city="marrakech")
    newcomer = await create_member(runtime, name="M3", **MAN)

    # Within the interval the index is not asked again...
    assert (await here.for_tenant(tenant_id, today)).index.key_of(newcomer) is None
    # ...after it, every change is in.
    monkeypatch.setattr(engine_module, "CATCH_UP_EVERY", 0.0)
    state = await here.for_tenant(tenant_id, today)
    assert state.index.key_of(pausing) is None
    assert state.index.key_of(newcomer) is not None
    moved = state.index.key_of(staying)
    assert moved is not None and moved != key  # a new slot in the Marrakech partition
    assert len(state.index) == 3
    # Nothing changed since: the next catch-up rewrites no one.
    keys = {user_id: state.index.key_of(user_id) for user_id in (staying, newcomer)}
    await here.for_tenant(tenant_id, today)
    assert {user_id: state.index.key_of(user_id) for user_id in keys} == keys


async def test_account_changes_reach_the_index_too(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ban or its lifting changes the account, not the profile: the index follows."""
    await create_member(runtime, name="W")
    him = await create_member(runtime, name="M", **MAN)
    tenant_id, today = await _tenant(runtime), local_today("Africa/Casablanca")
    here = another_process(runtime)
    await here.for_tenant(tenant_id, today)
    monkeypatch.setattr(engine_module, "CATCH_UP_EVERY", 0.0)

    await _set_user(runtime, him, banned_at=utcnow())
    assert (await here.for_tenant(tenant_id, today)).index.key_of(him) is None
    await _set_user(runtime, him, banned_at=None)
    assert (await here.for_tenant(tenant_id, today)).index.key_of(him) is not None


async def test_a_failed_catch_up_serves_the_index_as_it_is(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    await create_member(runtime, name="W")
    tenant_id, today = await _tenant(runtime), local_today("Africa/Casablanca")
    here = another_process(runtime)
    state = await here.for_tenant(tenant_id, today)
    monkeypatch.setattr(engine_module, "CATCH_UP_EVERY", 0.0)

    async def broken(*_: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(here, "_catch_up", broken)
    assert await here.for_tenant(tenant_id, today) is state
    assert not state.catching_up


async def test_a_saved_index_loads_with_the_changes_made_since(runtime: Runtime) -> None:
    await create_member(runtime, name="W")
    await create_member(runtime, name="M1", **MAN)
    tenant_id, today = await _tenant(runtime), local_today("Africa/Casablanca")
    await another_process(runtime).for_tenant(tenant_id, today)
    newcomer = await create_member(runtime, name="M2", **MAN)

    loaded = await another_process(runtime).for_tenant(tenant_id, today)
    assert loaded.index.key_of(newcomer) is not None


async def test_an_unreadable_saved_index_is_rebuilt(runtime: Runtime) -> None:
    await create_member(runtime, name="W")
    tenant_id, today = await _tenant(runtime), local_today("Africa/Casablanca")
    await another_process(runtime).for_tenant(tenant_id, today)
    home = runtime.settings.data_dir / "matching" / str(tenant_id)
    version = (home / "current").read_text()
    next(iter((home / version).glob("*.npz"))).write_bytes(b"PK not a zip")

    state = await another_process(runtime).for_tenant(tenant_id, today)
    assert len(state.index) == 1
    assert (home / "current").read_text() != version  # built and saved again


async def test_a_new_day_renews_the_index_while_the_old_one_serves(runtime: Runtime) -> None:
    await create_member(runtime, name="W")
    tenant_id, today = await _tenant(runtime), local_today("Africa/Casablanca")
    here = another_process(runtime)
    yesterday = await here.for_tenant(tenant_id, today - timedelta(days=1))
    assert yesterday.loaded_on == today - timedelta(days=1)

    served = await here.for_tenant(tenant_id, today)
    assert served is yesterday  # no request waits for the renewal
    for _ in range(200):
        if here.tenants[tenant_id].loaded_on == today:
            break
        await asyncio.sleep(0.01)
    assert here.tenants[tenant_id].loaded_on == today
    assert here.tenants[tenant_id] is not yesterday


async def test_a_saved_index_from_another_day_is_not_taken_for_today(runtime: Runtime) -> None:
    await create_member(runtime, name="W")
    tenant_id = await _tenant(runtime)
    old_day = date(2026, 1, 1)
    await another_process(runtime).for_tenant(tenant_id, old_day)
    here = another_process(runtime)
    assert await here._load(tenant_id, old_day + timedelta(days=1), only_day=old_day) is not None
    assert (
        await here._load(tenant_id, old_day + timedelta(days=1), only_day=old_day.replace(day=2))
        is None
    )
    assert await here._load(tenant_id, old_day + timedelta(days=400)) is None

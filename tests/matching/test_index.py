"""The retrieval index: its facts filter agrees with the hard filters, both plans rank by
similarity, members move and leave, and a saved index loads back the same."""

from __future__ import annotations

import random
import uuid
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from dinner1.core.geo import distance_km
from dinner1.matching import dealbreakers
from dinner1.matching import index as index_module
from dinner1.matching.features import SoulTraits
from dinner1.matching.index import PartitionedIndex
from dinner1.matching.vectors import RETRIEVAL_DIMENSIONS

TODAY = date.today()
CITIES = [(33.57, -7.59), (34.02, -6.84), (31.63, -8.0)]


def random_member(rng: random.Random) -> SoulTraits:
    lat, lon = rng.choice(CITIES)
    age = rng.randint(19, 55)
    gender = rng.choice([1, 2])
    return SoulTraits(
        id=uuid.uuid4(),
        age=age,
        gender_bit=gender,
        seeking_mask=rng.choice([3 - gender, 3 - gender, 3]),
        age_min=max(18, age - rng.randint(1, 10)),
        age_max=age + rng.randint(1, 10),
        max_distance_km=rng.choice([5, 10, 25, 100, 400]),
        cell_lat=round(lat + rng.gauss(0, 0.05), 4),
        cell_lon=round(lon + rng.gauss(0, 0.05), 4),
        religion=rng.choice(["muslim", "muslim", "jewish", "none", None]),
        religion_importance=rng.randint(0, 3),
        smoking=rng.choice(["never", "sometimes", "often", None]),
        drinking=rng.choice(["never", "socially", None]),
        has_children=rng.choice(["no", "yes", None]),
        wants_children=rng.choice(["wants", "open", "does_not_want", None]),
        dealbreakers=frozenset(
            rng.sample(["smoker", "drinker", "has_children"], rng.randint(0, 2))
        ),
    )


def vector_of(rng: np.random.Generator) -> np.ndarray:
    vector = rng.normal(size=RETRIEVAL_DIMENSIONS).astype(np.float32)
    return vector / np.linalg.norm(vector)


@pytest.fixture
def population() -> tuple[list[SoulTraits], dict[uuid.UUID, np.ndarray]]:
    rng, np_rng = random.Random(11), np.random.default_rng(11)
    members = [random_member(rng) for _ in range(1500)]
    return members, {m.id: vector_of(np_rng) for m in members}


def build(members: list[SoulTraits], vectors: dict[uuid.UUID, np.ndarray]) -> PartitionedIndex:
    index = PartitionedIndex()
    index.upsert_many((m, vectors[m.id]) for m in members)
    return index


def compatible(me: SoulTraits, other: SoulTraits) -> bool:
    km = distance_km(me.cell_lat, me.cell_lon, other.cell_lat, other.cell_lon)
    return other.id != me.id and dealbreakers.compatible(me, other, km)


@pytest.mark.parametrize("exact_limit", [10**9, 0], ids=["exact", "graph"])
def test_the_facts_filter_keeps_exactly_the_compatible_members(
    population: tuple[list[SoulTraits], dict[uuid.UUID, np.ndarray]],
    exact_limit: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(index_module, "EXACT_LIMIT", exact_limit)
    members, vectors = population
    index = build(members, vectors)
    for me in members[:80]:
        expected = {o.id for o in members if compatible(me, o)}
        hits, plan = index.nearest(me, vectors[me.id], len(members), TODAY)
        found = {hit.user_id for hit in hits}
        assert plan == ("none" if not expected else "exact" if exact_limit else "graph") or (
            plan == "exact" and exact_limit == 0  # the graph found too few: ranked exactly
        )
        assert found == expected, me


def test_the_exact_plan_ranks_by_cosine_and_the_graph_agrees(
    population: tuple[list[SoulTraits], dict[uuid.UUID, np.ndarray]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    members, vectors = population
    index = build(members, vectors)
    recalls = []
    for me in members[:60]:
        pool = [o for o in members if compatible(me, o)]
        if len(pool) < 10:
            continue
        truth = sorted(pool, key=lambda o: -float(vectors[o.id] @ vectors[me.id]))[:10]
        monkeypatch.setattr(index_module, "EXACT_LIMIT", 10**9)
        exact, plan = index.nearest(me, vectors[me.id], 10, TODAY)
        assert plan == "exact"
        assert [h.user_id for h in exact] == [o.id for o in truth]
        assert [h.similarity for h in exact] == sorted((h.similarity for h in exact), reverse=True)
        monkeypatch.setattr(index_module, "EXACT_LIMIT", 0)
        walked, plan = index.nearest(me, vectors[me.id], 10, TODAY)
        assert plan == "graph"
        recalls.append(len({h.user_id for h in walked} & {o.id for o in truth}) / 10)
    assert len(recalls) > 20
    assert sum(recalls) / len(recalls) >= 0.9


def test_excluded_members_are_left_out(
    population: tuple[list[SoulTraits], dict[uuid.UUID, np.ndarray]],
) -> None:
    members, vectors = population
    index = build(members, vectors)
    me = next(m for m in members if len([o for o in members if compatible(m, o)]) > 20)
    first, _ = index.nearest(me, vectors[me.id], 5, TODAY)
    shown = {hit.user_id for hit in first}
    second, _ = index.nearest(me, vectors[me.id], 5, TODAY, exclude=shown)
    assert len(second) == 5
    assert not shown & {hit.user_id for hit in second}
    assert me.id not in shown


def woman() -> SoulTraits:
    """30, in Casablanca, seeking men of 25-40 within 25 km."""
    return SoulTraits(
        id=uuid.uuid4(),
        age=30,
        gender_bit=1,
        seeking_mask=2,
        age_min=25,
        age_max=40,
        max_distance_km=25,
        cell_lat=33.57,
        cell_lon=-7.59,
    )


def man(age: int, born: date | None = None) -> SoulTraits:
    """A man a kilometre from `woman()`, seeking women of 25-40 within 25 km."""
    return SoulTraits(
        **{
            **_fields(woman()),
            "age": age,
            "gender_bit": 2,
            "seeking_mask": 1,
            "cell_lat": 33.58,
            "cell_lon": -7.6,
            "born": born,
        }
    )


def test_a_member_who_moves_or_changes_is_found_by_the_new_facts_only() -> None:
    np_rng = np.random.default_rng(3)
    me = woman()
    him = man(age=32)
    index = PartitionedIndex()
    vector = vector_of(np_rng)
    index.upsert(him, vector)
    index.upsert(me, vector_of(np_rng))
    assert [h.user_id for h in index.nearest(me, vector, 5, TODAY)[0]] == [him.id]

    key = index.key_of(him.id)
    index.upsert(him, vector)  # nothing changed: same slot
    assert index.key_of(him.id) == key

    moved = SoulTraits(**{**_fields(him), "cell_lat": 31.63, "cell_lon": -8.0})  # Marrakech
    index.upsert(moved, vector)
    assert index.key_of(him.id) != key
    assert index.nearest(me, vector, 5, TODAY)[0] == []
    assert len(index) == 2

    back = SoulTraits(**{**_fields(him), "age_max": 29})  # now too young for him
    index.upsert(back, vector)
    assert index.nearest(me, vector, 5, TODAY)[0] == []
    index.upsert(him, vector)
    assert [h.user_id for h in index.nearest(me, vector, 5, TODAY)[0]] == [him.id]

    index.remove(him.id)
    assert index.nearest(me, vector, 5, TODAY)[0] == []
    assert len(index) == 1


def test_regions_cover_the_whole_radius_even_at_its_widest() -> None:
    for radius in (5, 50, 200, 500):
        regions = index_module.regions_within(33.57, -7.59, radius)
        for lat in np.arange(27.0, 40.0, 0.1):
            for lon in np.arange(-15.0, 0.0, 0.1):
                if distance_km(33.57, -7.59, lat, lon) <= radius:
                    assert index_module.region_of(lat, lon) in regions, (radius, lat, lon)


def test_ages_are_compared_on_the_day_asked_not_the_day_indexed() -> None:
    today = date(2026, 12, 7)
    me = woman()
    # 25 tomorrow: too young today, in range from tomorrow, with no change to the index.
    him = man(age=24, born=date(2001, 12, 8))
    # 41 tomorrow: in range today, too old from tomorrow.
    elder = SoulTraits(**{**_fields(him), "id": uuid.uuid4(), "born": date(1985, 12, 8)})
    index = PartitionedIndex()
    vector = vector_of(np.random.default_rng(5))
    index.upsert(him, vector)
    index.upsert(elder, vector)
    assert [h.user_id for h in index.nearest(me, vector, 5, today)[0]] == [elder.id]
    assert [h.user_id for h in index.nearest(me, vector, 5, date(2026, 12, 8))[0]] == [him.id]


def _fields(member: SoulTraits) -> dict[str, object]:
    return {name: getattr(member, name) for name in SoulTraits.__slots__}


def test_a_saved_index_loads_back_with_the_same_answers(
    population: tuple[list[SoulTraits], dict[uuid.UUID, np.ndarray]], tmp_path: Path
) -> None:
    members, vectors = population
    index = build(members, vectors)
    gone = members[5]
    index.remove(gone.id)
    index.save(tmp_path / "saved", extra={"day": "2026-12-07"})

    loaded, extra = PartitionedIndex.load(tmp_path / "saved")
    assert extra == {"day": "2026-12-07"}
    assert len(loaded) == len(index) == len(members) - 1
    assert loaded.key_of(gone.id) is None
    for me in members[:30]:
        before, plan_before = index.nearest(me, vectors[me.id], 10, TODAY)
        after, plan_after = loaded.nearest(me, vectors[me.id], 10, TODAY)
        assert plan_after == plan_before
        assert [h.user_id for h in after] == [h.user_id for h in before]
    # Still updatable: new keys never reuse old ones.
    newcomer = random_member(random.Random(5))
    loaded.upsert(newcomer, vectors[members[0].id])
    assert loaded.key_of(newcomer.id) not in {index.key_of(m.id) for m in members}

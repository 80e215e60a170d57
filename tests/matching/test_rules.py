from __future__ import annotations

import dataclasses
import random
import uuid

import numpy as np
import pytest

from dinner1.matching import dealbreakers, scoring
from dinner1.matching.features import SoulTraits
from dinner1.matching.rarity import TraitRarity
from dinner1.profiles import taxonomy as tx


def person(**changes: object) -> SoulTraits:
    base = SoulTraits(
        id=uuid.uuid4(),
        age=30,
        gender_bit=1,
        seeking_mask=2,
        age_min=25,
        age_max=40,
        max_distance_km=30,
        cell_lat=33.57,
        cell_lon=-7.59,
        relationship_goal="long_term",
        values_ranked=("honesty", "family", "kindness"),
        interests=frozenset({"hiking", "cooking", "poetry"}),
        communication_style="gentle",
        love_language="time",
        lifestyle=(("rhythm", 0), ("social", 1)),
        life_goals=frozenset({"family", "travel"}),
        religion="muslim",
        religion_importance=1,
        smoking="never",
        drinking="never",
        has_children="no",
        wants_children="wants",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


WOMAN = person()
MAN = person(gender_bit=2, seeking_mask=1, age=33)


def test_a_good_pair_passes_in_both_directions() -> None:
    assert dealbreakers.conflicts(WOMAN, MAN, 5.0) == []
    assert dealbreakers.conflicts(MAN, WOMAN, 5.0) == []


@pytest.mark.parametrize(
    ("change_man", "reason"),
    [
        ({"seeking_mask": 2}, "gender"),  # he seeks men
        ({"age": 45}, "age"),  # outside her range
        ({"age_min": 31}, "age"),  # she is outside his range
        ({"max_distance_km": 3}, "distance"),  # his radius is too small
        ({"religion": "christian", "religion_importance": 3}, "religion"),
        ({"smoking": "often"}, "smoking"),  # her dealbreaker
        ({"dealbreakers": frozenset({"has_children"})}, None),  # she has none: fine
        ({"wants_children": "does_not_want"}, "wants_children"),
    ],
)
def test_each_rule_applies_whoever_holds_it(
    change_man: dict[str, object], reason: str | None
) -> None:
    woman = dataclasses.replace(WOMAN, dealbreakers=frozenset({"smoker"}))
    man = dataclasses.replace(MAN, **change_man)  # type: ignore[arg-type]
    forward = dealbreakers.conflicts(woman, man, 5.0)
    backward = dealbreakers.conflicts(man, woman, 5.0)
    assert forward == backward  # symmetric
    assert (reason in forward) if reason else forward == []


def test_scores_are_symmetric_bounded_and_explained() -> None:
    rng = random.Random(7)
    rarity = TraitRarity()
    for _ in range(50):
        a = person(
            interests=frozenset(rng.sample([c.key for c in tx.INTERESTS], 5)), embedding=_unit(rng)
        )
        b = person(
            gender_bit=2,
            seeking_mask=1,
            interests=frozenset(rng.sample([c.key for c in tx.INTERESTS], 5)),
            values_ranked=tuple(rng.sample([c.key for c in tx.VALUES], 4)),
            embedding=_unit(rng),
        )
        ab, ba = scoring.compatibility(a, b, rarity), scoring.compatibility(b, a, rarity)
        assert ab.score == ba.score
        assert 0 <= ab.score <= 100
        assert all(0.0 <= v <= 1.0 for v in ab.breakdown.values())
        assert ab.label in {label for _, label in scoring.QUALITY_LABELS}


def _unit(rng: random.Random) -> np.ndarray:  # type: ignore[type-arg]
    vector = np.array([rng.gauss(0, 1) for _ in range(384)], dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_more_in_common_scores_higher() -> None:
    rarity = TraitRarity()
    twin = dataclasses.replace(
        MAN,
        values_ranked=WOMAN.values_ranked,
        interests=WOMAN.interests,
        life_goals=WOMAN.life_goals,
    )
    stranger = dataclasses.replace(
        MAN,
        values_ranked=("ambition", "freedom", "adventure"),
        interests=frozenset({"gaming", "nightlife", "fashion"}),
        communication_style="direct",
        love_language="gifts",
        lifestyle=(("rhythm", 2), ("social", 2)),
        life_goals=frozenset({"career"}),
        relationship_goal="open",
    )
    assert (
        scoring.compatibility(WOMAN, twin, rarity).score
        > scoring.compatibility(WOMAN, stranger, rarity).score + 20
    )


def test_rare_shared_traits_come_first() -> None:
    members = [person(interests=frozenset({"cooking", "music"})) for _ in range(95)]
    members += [person(interests=frozenset({"calligraphy", "cooking"})) for _ in range(5)]
    rarity = TraitRarity.from_members(members)
    a = person(interests=frozenset({"cooking", "calligraphy", "music"}))
    b = person(interests=frozenset({"cooking", "calligraphy", "music"}), gender_bit=2)
    factors = scoring.shared_factors(a, b, rarity)
    assert factors[0].key == "calligraphy"
    assert factors[0].prevalence < 0.1

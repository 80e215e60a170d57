"""Compatibility of a pair: a 0–100 score, its breakdown, a quality label and the rare
traits the two share. Every component is in [0, 1] and symmetric in (a, b)."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from dinner1.core.geo import bucketed_km, distance_km
from dinner1.matching.features import SoulTraits
from dinner1.matching.rarity import TraitRarity

COMPONENTS = (
    "values",
    "interests",
    "communication",
    "lifestyle",
    "life_goals",
    "semantic",
    "age_fit",
    "distance_fit",
)

# Expert defaults, in force until `dinner1 matching retrain` has enough outcomes.
# Values and life goals weigh most: shared values and compatible plans are what long
# relationships report mattering; interests and the meaning of the free-text answers
# come next; communication and lifestyle decide day-to-day friction; age and distance
# fit only break ties (the dealbreakers already enforce the hard limits). On the
# speed-dating study these weights rank mutual matches at AUC ≈ 0.55 on waves they never
# saw, against 0.52 for the study's own interest correlation.
DEFAULT_WEIGHTS: dict[str, float] = {
    "values": 0.20,
    "interests": 0.15,
    "communication": 0.10,
    "lifestyle": 0.10,
    "life_goals": 0.15,
    "semantic": 0.15,
    "age_fit": 0.08,
    "distance_fit": 0.07,
}

_STYLE_FIT = {
    frozenset({"gentle", "reflective"}): 0.8,
    frozenset({"playful", "direct"}): 0.7,
    frozenset({"playful", "gentle"}): 0.7,
    frozenset({"playful", "reflective"}): 0.6,
    frozenset({"direct", "gentle"}): 0.5,
    frozenset({"direct", "reflective"}): 0.4,
}
_GOAL_FIT = {
    frozenset({"marriage", "long_term"}): 0.8,
    frozenset({"long_term", "open"}): 0.6,
    frozenset({"open", "friendship_first"}): 0.7,
    frozenset({"long_term", "friendship_first"}): 0.5,
    frozenset({"marriage", "friendship_first"}): 0.4,
    frozenset({"marriage", "open"}): 0.3,
}
_CHILDREN_FIT = {
    frozenset({"wants", "open"}): 0.7,
    frozenset({"open", "does_not_want"}): 0.6,
    frozenset({"wants", "does_not_want"}): 0.0,
}
QUALITY_LABELS: tuple[tuple[int, str], ...] = (
    (85, "exceptional"),
    (70, "strong"),
    (55, "promising"),
    (0, "worth_exploring"),
)


@dataclass(frozen=True)
class SharedFactor:
    kind: str
    key: str
    prevalence: float
    # Only a measured share is ever shown to members ("only 8% of members do").
    measured: bool = True


@dataclass(frozen=True)
class Compatibility:
    score: float
    breakdown: dict[str, float]
    label: str
    factors: tuple[SharedFactor, ...]
    distance_km: float


def _pair_fit(table: dict[frozenset[str], float], a: str | None, b: str | None) -> float | None:
    if a is None or b is None:
        return None
    return 1.0 if a == b else table.get(frozenset({a, b}), 0.3)


def values_fit(a: SoulTraits, b: SoulTraits) -> float | None:
    """Shared values weighted by how high both rank them."""
    if not a.values_ranked or not b.values_ranked:
        return None
    k = max(len(a.values_ranked), len(b.values_ranked))
    weight_a = {v: (k - i) / k for i, v in enumerate(a.values_ranked)}
    weight_b = {v: (k - i) / k for i, v in enumerate(b.values_ranked)}
    shared = sum(weight_a[v] * weight_b[v] for v in weight_a.keys() & weight_b.keys())
    best = math.sqrt(sum(w * w for w in weight_a.values()) * sum(w * w for w in weight_b.values()))
    return shared / best if best else 0.0


def _weighted_overlap(
    kind: str, a: frozenset[str], b: frozenset[str], rarity: TraitRarity
) -> float | None:
    if not a or not b:
        return None
    common = a & b
    shared = sum(rarity.weight(kind, t) for t in common) if common else 0.0
    union = rarity.total_weight(kind, a) + rarity.total_weight(kind, b) - shared
    # A third of the union in common is already a lot for free-choice lists.
    return min(1.0, 3.0 * shared / union) if union else 0.0


def lifestyle_fit(a: SoulTraits, b: SoulTraits) -> float | None:
    mine, theirs = a.lifestyle_map(), b.lifestyle_map()
    common = mine.keys() & theirs.keys()
    if not common:
        return None
    closeness = [1 - abs(mine[q] - theirs[q]) / 2 for q in common]
    for habit in ("smoking", "drinking"):
        x, y = getattr(a, habit), getattr(b, habit)
        if x is not None and y is not None:
            closeness.append(1.0 if x == y else 0.5)
    return sum(closeness) / len(closeness)


def life_goals_fit(a: SoulTraits, b: SoulTraits, rarity: TraitRarity) -> float | None:
    parts = [
        part
        for part in (
            _pair_fit(_GOAL_FIT, a.relationship_goal, b.relationship_goal),
            _weighted_overlap("life_goal", a.life_goals, b.life_goals, rarity),
            _pair_fit(_CHILDREN_FIT, a.wants_children, b.wants_children),
        )
        if part is not None
    ]
    return sum(parts) / len(parts) if parts else None


def communication_fit(a: SoulTraits, b: SoulTraits) -> float | None:
    style = _pair_fit(_STYLE_FIT, a.communication_style, b.communication_style)
    if style is None:
        return None
    if a.love_language is None or b.love_language is None:
        return style
    return 0.7 * style + 0.3 * (1.0 if a.love_language == b.love_language else 0.4)


def semantic_fit(a: SoulTraits, b: SoulTraits) -> float | None:
    if a.embedding is None or b.embedding is None:
        return None
    cosine = float(np.dot(a.embedding, b.embedding))  # embeddings are unit length
    # Answers to the same prompts sit around 0.1–0.3 apart by topic alone.
    return min(1.0, max(0.0, (cosine - 0.1) / 0.5))


def age_fit(a: SoulTraits, b: SoulTraits) -> float:
    def centrality(me: SoulTraits, other: SoulTraits) -> float:
        middle = (me.age_min + me.age_max) / 2
        half = max((me.age_max - me.age_min) / 2, 1.0)
        return max(0.0, 1 - abs(other.age - middle) / (half + 1))

    gap = abs(a.age - b.age)
    return 0.5 * (centrality(a, b) + centrality(b, a)) * (0.6 + 0.4 * math.exp(-gap / 8))


def distance_fit(a: SoulTraits, b: SoulTraits, km: float) -> float:
    reach = max(min(a.max_distance_km, b.max_distance_km), 1)
    return max(0.0, 1.0 - float((km / reach) ** 0.7))


def breakdown(a: SoulTraits, b: SoulTraits, rarity: TraitRarity, km: float) -> dict[str, float]:
    parts: dict[str, float | None] = {
        "values": values_fit(a, b),
        "interests": _weighted_overlap("interest", a.interests, b.interests, rarity),
        "communication": communication_fit(a, b),
        "lifestyle": lifestyle_fit(a, b),
        "life_goals": life_goals_fit(a, b, rarity),
        "semantic": semantic_fit(a, b),
        "age_fit": age_fit(a, b),
        "distance_fit": distance_fit(a, b, km),
    }
    return {name: round(value, 2) for name, value in parts.items() if value is not None}


def combine(parts: dict[str, float], weights: dict[str, float]) -> float:
    """Weighted mean over the components both members have, on 0–100."""
    total = sum(weights.get(name, 0.0) for name in parts)
    if total <= 0:
        return 0.0
    return 100.0 * sum(weights.get(name, 0.0) * value for name, value in parts.items()) / total


def quality_label(score: float) -> str:
    return next(label for floor, label in QUALITY_LABELS if score >= floor)


def shared_factors(
    a: SoulTraits, b: SoulTraits, rarity: TraitRarity, limit: int = 3
) -> tuple[SharedFactor, ...]:
    """The rarest things the two have in common, rarest first."""
    found: list[SharedFactor] = []
    pairs = (
        ("interest", a.interests & b.interests),
        ("value", set(a.values_ranked[:3]) & set(b.values_ranked[:3])),
        ("life_goal", a.life_goals & b.life_goals),
    )
    for kind, keys in pairs:
        found.extend(_factor(rarity, kind, key) for key in keys)
    for kind in ("communication_style", "love_language", "relationship_goal"):
        mine, theirs = getattr(a, kind), getattr(b, kind)
        if mine is not None and mine == theirs:
            short = kind.removesuffix("_style")
            found.append(_factor(rarity, short, mine))
    found.sort(key=lambda factor: (factor.prevalence, factor.kind, factor.key))
    return tuple(found[:limit])


def _factor(rarity: TraitRarity, kind: str, key: str) -> SharedFactor:
    return SharedFactor(
        kind, key, rarity.prevalence(kind, key), rarity.measured(kind, key) is not None
    )


def compatibility(
    a: SoulTraits,
    b: SoulTraits,
    rarity: TraitRarity,
    weights: dict[str, float] | None = None,
    *,
    with_factors: bool = True,
) -> Compatibility:
    """Score a pair. Ranking many candidates can skip the shared factors (`with_factors`)
    and add them with `explained` for the few that are shown."""
    km = distance_km(a.cell_lat, a.cell_lon, b.cell_lat, b.cell_lon)
    parts = breakdown(a, b, rarity, bucketed_km(km))
    score = combine(parts, weights or DEFAULT_WEIGHTS)
    return Compatibility(
        score=round(score, 1),
        breakdown=parts,
        label=quality_label(score),
        factors=shared_factors(a, b, rarity) if with_factors else (),
        distance_km=km,
    )


def explained(
    result: Compatibility, a: SoulTraits, b: SoulTraits, rarity: TraitRarity
) -> Compatibility:
    return replace(result, factors=shared_factors(a, b, rarity))

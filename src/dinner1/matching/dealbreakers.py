"""Hard filters, applied in both directions: a pair either passes all of them or is never
shown. The SQL candidate query applies the same rules first (matching.repository)."""

from __future__ import annotations

from dinner1.core.geo import distance_km as geo_distance
from dinner1.matching.features import SoulTraits


def _one_way(me: SoulTraits, other: SoulTraits, distance_km: float | None) -> list[str]:
    reasons: list[str] = []
    if not me.seeking_mask & other.gender_bit:
        reasons.append("gender")
    if not me.age_min <= other.age <= me.age_max:
        reasons.append("age")
    if distance_km is not None and distance_km > me.max_distance_km:
        reasons.append("distance")
    if (
        me.religion_importance >= 3
        and me.religion is not None
        and other.religion is not None
        and me.religion != other.religion
    ):
        reasons.append("religion")
    if "smoker" in me.dealbreakers and other.smoking in ("sometimes", "often"):
        reasons.append("smoking")
    if "drinker" in me.dealbreakers and other.drinking in ("socially", "often"):
        reasons.append("drinking")
    if "has_children" in me.dealbreakers and other.has_children == "yes":
        reasons.append("children")
    return reasons


def conflicts(a: SoulTraits, b: SoulTraits, distance_km: float) -> list[str]:
    """Why this pair can never match (empty when it can). Symmetric by construction."""
    reasons = _one_way(a, b, distance_km) + _one_way(b, a, distance_km)
    if {a.wants_children, b.wants_children} == {"wants", "does_not_want"}:
        reasons.append("wants_children")
    return sorted(set(reasons))


def compatible(a: SoulTraits, b: SoulTraits, distance_km: float) -> bool:
    return not conflicts(a, b, distance_km)


def compatible_at_any_distance(a: SoulTraits, b: SoulTraits) -> bool:
    """Every rule but distance: checked first because it needs no trigonometry."""
    return not (
        _one_way(a, b, None)
        or _one_way(b, a, None)
        or {a.wants_children, b.wants_children} == {"wants", "does_not_want"}
    )


def compatible_fast(a: SoulTraits, b: SoulTraits) -> bool:
    """`compatible` with the great-circle distance computed only when it can matter."""
    if not compatible_at_any_distance(a, b):
        return False
    km = geo_distance(a.cell_lat, a.cell_lon, b.cell_lat, b.cell_lon)
    return km <= a.max_distance_km and km <= b.max_distance_km

"""What the compatibility engine sees of a member: a plain, immutable snapshot.

Kept free of the ORM so the engine runs the same on members, on synthetic populations
(bench/matching.py) and on the speed-dating study (bench speed-dating).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class SoulTraits:
    id: uuid.UUID
    age: int
    gender_bit: int
    seeking_mask: int
    age_min: int
    age_max: int
    max_distance_km: int
    cell_lat: float
    cell_lon: float
    relationship_goal: str | None = None
    values_ranked: tuple[str, ...] = ()
    interests: frozenset[str] = frozenset()
    communication_style: str | None = None
    love_language: str | None = None
    lifestyle: tuple[tuple[str, int], ...] = ()  # (question, ordinal answer)
    life_goals: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    religion: str | None = None
    religion_importance: int = 0
    smoking: str | None = None
    drinking: str | None = None
    has_children: str | None = None
    wants_children: str | None = None
    dealbreakers: frozenset[str] = frozenset()
    embedding: Vector | None = field(default=None, compare=False, hash=False)
    # The birth date behind `age`, when known (the retrieval index compares ages on any day).
    born: date | None = None

    def lifestyle_map(self) -> dict[str, int]:
        return dict(self.lifestyle)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)

"""How common each trait is among members, so rare shared traits weigh more than common
ones ("you both love calligraphy" says more than "you both like music")."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from dinner1.matching.features import SoulTraits

# Assumed share of members with a trait nobody has counted yet.
UNKNOWN_PREVALENCE = 0.2


@dataclass
class TraitRarity:
    population: int = 0
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    # Scoring asks for the same few hundred weights millions of times a night.
    _weights: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)
    _sums: dict[tuple[str, frozenset[str]], float] = field(default_factory=dict, repr=False)

    @classmethod
    def from_members(cls, members: Iterable[SoulTraits]) -> TraitRarity:
        rarity = cls()
        for member in members:
            rarity.add(member)
        return rarity

    def add(self, member: SoulTraits) -> None:
        self._weights.clear()
        self._sums.clear()
        self.population += 1
        for kind, key in traits_of(member):
            self.counts[(kind, key)] += 1

    def prevalence(self, kind: str, key: str) -> float:
        if self.population < 20:
            return UNKNOWN_PREVALENCE
        # Laplace smoothing keeps a trait seen once from looking infinitely rare.
        return (self.counts[(kind, key)] + 1) / (self.population + 2)

    def measured(self, kind: str, key: str) -> float | None:
        """The prevalence when the member base is large enough to say, else None."""
        return self.prevalence(kind, key) if self.population >= 20 else None

    def total_weight(self, kind: str, traits: frozenset[str]) -> float:
        """Sum of the weights of a member's traits (frozensets cache their hash: cheap)."""
        cached = self._sums.get((kind, traits))
        if cached is None:
            cached = self._sums[(kind, traits)] = sum(self.weight(kind, t) for t in traits)
        return cached

    def weight(self, kind: str, key: str) -> float:
        """Inverse document frequency: -log(prevalence)."""
        cached = self._weights.get((kind, key))
        if cached is None:
            cached = self._weights[(kind, key)] = -math.log(self.prevalence(kind, key))
        return cached


def traits_of(member: SoulTraits) -> Iterable[tuple[str, str]]:
    for interest in member.interests:
        yield "interest", interest
    for value in member.values_ranked[:3]:
        yield "value", value
    for goal in member.life_goals:
        yield "life_goal", goal
    if member.communication_style:
        yield "communication", member.communication_style
    if member.love_language:
        yield "love_language", member.love_language
    if member.relationship_goal:
        yield "relationship_goal", member.relationship_goal

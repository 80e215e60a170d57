"""Retrieval vectors: the member's structured traits plus the meaning of their answers.

cosine(u, v) of two retrieval vectors is STRUCTURE_SHARE × cosine of the structured parts
+ (1 − STRUCTURE_SHARE) × cosine of the text embeddings, so members without an embedding
(no answers yet, Arabic-script answers, or no consent to semantic matching) are still found.
"""

from __future__ import annotations

import math

import numpy as np

from dinner1.matching.embeddings import DIMENSIONS
from dinner1.matching.features import SoulTraits, Vector
from dinner1.matching.rarity import TraitRarity
from dinner1.profiles import taxonomy as tx

STRUCTURE_SHARE = 0.6
_SLOTS: list[tuple[str, str]] = [
    *(("interest", c.key) for c in tx.INTERESTS),
    *(("value", c.key) for c in tx.VALUES),
    *(("life_goal", c.key) for c in tx.LIFE_GOALS),
    *(("communication", c.key) for c in tx.COMMUNICATION_STYLES),
    *(("love_language", c.key) for c in tx.LOVE_LANGUAGES),
    *(("relationship_goal", c.key) for c in tx.RELATIONSHIP_GOALS),
    *(("lifestyle", question) for question in tx.LIFESTYLE),
]
_INDEX = {slot: i for i, slot in enumerate(_SLOTS)}
STRUCTURED_DIMENSIONS = len(_SLOTS)
RETRIEVAL_DIMENSIONS = STRUCTURED_DIMENSIONS + DIMENSIONS


def structured_vector(member: SoulTraits, rarity: TraitRarity) -> Vector:
    vector = np.zeros(STRUCTURED_DIMENSIONS, dtype=np.float32)
    for key in member.interests:
        _set(vector, ("interest", key), rarity.weight("interest", key))
    count = len(member.values_ranked)
    for rank, key in enumerate(member.values_ranked):
        _set(vector, ("value", key), 2.0 * (count - rank) / max(count, 1))
    for key in member.life_goals:
        _set(vector, ("life_goal", key), rarity.weight("life_goal", key))
    for kind, choice in (
        ("communication", member.communication_style),
        ("love_language", member.love_language),
        ("relationship_goal", member.relationship_goal),
    ):
        if choice is not None:
            _set(vector, (kind, choice), 1.0)
    for question, level in member.lifestyle:
        # Centred ordinal answers: opposite habits point in opposite directions.
        _set(vector, ("lifestyle", question), (level - 1) * 0.7)
    return _unit(vector)


def retrieval_vector(member: SoulTraits, rarity: TraitRarity) -> Vector:
    structured = structured_vector(member, rarity) * math.sqrt(STRUCTURE_SHARE)
    if member.embedding is None:
        semantic = np.zeros(DIMENSIONS, dtype=np.float32)
    else:
        semantic = _unit(member.embedding) * math.sqrt(1 - STRUCTURE_SHARE)
    return _unit(np.concatenate([structured, semantic]).astype(np.float32))


def _set(vector: Vector, slot: tuple[str, str], value: float) -> None:
    index = _INDEX.get(slot)
    if index is not None:
        vector[index] = value


def _unit(vector: Vector) -> Vector:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector

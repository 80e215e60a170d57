"""The engine on the public speed-dating study (Fisman et al., waves 1–14 here).

Each participant becomes a Dinner1 profile from what was known before the dates:
activity ratings → interests, the 100-point partner preferences → ranked values
(attractiveness left out: soul before skin), the stated goal, going-out and exercise
habits → lifestyle, field of study, age. Pairs are scored with the same code members
are scored with; only the breakdown weights are learned, on the training waves only.
Race is never used.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dinner1.matching import scoring
from dinner1.matching.features import SoulTraits
from dinner1.matching.learning import (
    fit_nonnegative_logistic,
    roc_auc,
    to_mixture_weights,
)
from dinner1.matching.rarity import TraitRarity

ACTIVITIES = (
    "sports",
    "tvsports",
    "exercise",
    "dining",
    "museums",
    "art",
    "hiking",
    "gaming",
    "clubbing",
    "reading",
    "tv",
    "theater",
    "movies",
    "concerts",
    "music",
    "shopping",
    "yoga",
)
# Partner preferences (what they look for) → values; attractiveness is not used.
PREFERENCES = {
    "sinc1_1": "honesty",
    "intel1_1": "curiosity",
    "fun1_1": "humor",
    "amb1_1": "ambition",
    "shar1_1": "shared_interests",
}
GOALS = {1: "open", 2: "friendship_first", 3: "open", 4: "long_term", 5: "open"}
DEFAULT_AGE_SPAN = 8
# Features of a pair the learned model may use: the engine's breakdown components.
LEARNED = ("values", "interests", "lifestyle", "life_goals", "age_fit")


@dataclass(frozen=True)
class Pair:
    wave: int
    a: int
    b: int
    match: int
    int_corr: float | None


def _number(value: str | None) -> float | None:
    if value is None or value.strip() == "":
        return None
    return float(value.replace(",", ""))


def load_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ordinal(value: float | None, cuts: tuple[float, float]) -> int | None:
    if value is None:
        return None
    return 0 if value <= cuts[0] else 1 if value <= cuts[1] else 2


def participant(row: dict[str, str]) -> SoulTraits:
    n = {
        key: _number(row.get(key))
        for key in (
            *ACTIVITIES,
            *PREFERENCES,
            "age",
            "goal",
            "go_out",
            "date",
            "exercise",
            "field_cd",
            "imprelig",
            "gender",
        )
    }
    interests = frozenset(a for a in ACTIVITIES if (n[a] or 0) >= 7)
    prefs = sorted(((n[k] or 0.0, v) for k, v in PREFERENCES.items()), reverse=True)
    values = tuple(v for points, v in prefs if points > 0)[:3]
    lifestyle: list[tuple[str, int]] = []
    # go_out and date: 1 = several times a week … 7 = almost never.
    for question, value, cuts in (("social", n["go_out"], (2, 4)), ("dating", n["date"], (3, 5))):
        level = _ordinal(value, cuts)
        if level is not None:
            lifestyle.append((question, 2 - level))
    activity = _ordinal(n["exercise"], (4, 7))
    if activity is not None:
        lifestyle.append(("activity", activity))
    field = f"field_{int(n['field_cd'])}" if n["field_cd"] is not None else None
    gender_bit = 1 if n["gender"] == 0 else 2
    age = int(n["age"] or 26)
    return SoulTraits(
        id=uuid.uuid5(uuid.NAMESPACE_OID, f"speed-dating-{row['iid']}"),
        age=age,
        gender_bit=gender_bit,
        seeking_mask=3 - gender_bit,
        # The study asked no age range: use the range onboarding pre-fills (own age ± 8).
        age_min=max(18, age - DEFAULT_AGE_SPAN),
        age_max=age + DEFAULT_AGE_SPAN,
        max_distance_km=50,
        cell_lat=40.81,
        cell_lon=-73.96,
        relationship_goal=GOALS.get(int(n["goal"] or 0)),
        values_ranked=values,
        interests=interests,
        lifestyle=tuple(lifestyle),
        life_goals=frozenset({field}) if field else frozenset(),
        religion_importance=0,
    )


def build(rows: Iterable[dict[str, str]]) -> tuple[dict[int, SoulTraits], list[Pair]]:
    people: dict[int, SoulTraits] = {}
    pairs: dict[tuple[int, int], Pair] = {}
    for row in rows:
        iid, pid = int(row["iid"]), _number(row["pid"])
        people.setdefault(iid, participant(row))
        if pid is None:
            continue
        key = (min(iid, int(pid)), max(iid, int(pid)))
        pairs.setdefault(
            key, Pair(int(row["wave"]), key[0], key[1], int(row["match"]), _number(row["int_corr"]))
        )
    return people, [p for p in pairs.values() if p.a in people and p.b in people]


def component_matrix(
    people: dict[int, SoulTraits], pairs: list[Pair], rarity: TraitRarity
) -> np.ndarray[Any, np.dtype[np.float64]]:
    matrix = np.zeros((len(pairs), len(LEARNED)))
    for i, pair in enumerate(pairs):
        parts = scoring.breakdown(people[pair.a], people[pair.b], rarity, 0.0)
        matrix[i] = [parts.get(name, 0.5) for name in LEARNED]
    return matrix


def choose_l2(
    features: np.ndarray[Any, Any], labels: np.ndarray[Any, Any], waves: np.ndarray[Any, Any]
) -> float:
    """Leave-one-wave-out on the training waves: tuned for people not yet seen."""
    best, best_auc = 1.0, -1.0
    for l2 in (0.1, 1.0, 10.0, 100.0, 1000.0):
        aucs = []
        for wave in np.unique(waves):
            held = waves == wave
            if labels[held].sum() == 0 or labels[~held].sum() == 0:
                continue
            weights, _ = fit_nonnegative_logistic(features[~held], labels[~held], l2=l2)
            aucs.append(roc_auc(features[held] @ weights, labels[held]))
        mean_auc = float(np.mean(aucs)) if aucs else -1.0
        if mean_auc > best_auc:
            best, best_auc = l2, mean_auc
    return best


def evaluate(train_path: Path, test_path: Path) -> dict[str, Any]:
    train_people, train_pairs = build(load_rows(train_path))
    test_people, test_pairs = build(load_rows(test_path))
    # Trait rarity is learned from the training population only.
    rarity = TraitRarity.from_members(train_people.values())
    x_train = component_matrix(train_people, train_pairs, rarity)
    y_train = np.array([p.match for p in train_pairs], dtype=np.float64)
    waves = np.array([p.wave for p in train_pairs])
    l2 = choose_l2(x_train, y_train, waves)
    raw, _ = fit_nonnegative_logistic(x_train, y_train, l2=l2)
    weights = to_mixture_weights(raw, LEARNED)

    x_test = component_matrix(test_people, test_pairs, rarity)
    y_test = [p.match for p in test_pairs]
    learned_scores = [
        scoring.combine(dict(zip(LEARNED, row, strict=True)), weights) for row in x_test
    ]
    default_scores = [
        scoring.combine(dict(zip(LEARNED, row, strict=True)), scoring.DEFAULT_WEIGHTS)
        for row in x_test
    ]
    with_corr = [(p.int_corr, p.match) for p in test_pairs if p.int_corr is not None]
    return {
        "pre_date_auc": round(roc_auc(learned_scores, y_test), 4),
        "pre_date_auc_expert_weights": round(roc_auc(default_scores, y_test), 4),
        "feedback_auc": None,
        "baseline_int_corr_auc": round(
            roc_auc([c for c, _ in with_corr], [m for _, m in with_corr]), 4
        ),
        "train_rows": len(load_rows(train_path)),
        "test_rows": len(load_rows(test_path)),
        "train_pairs": len(train_pairs),
        "test_pairs": len(test_pairs),
        "train_participants": len(train_people),
        "test_participants": len(test_people),
        "test_matches": int(sum(y_test)),
        "learned_weights": weights,
        "l2": l2,
    }


def split_by_wave(source: Path, train_waves: set[int], train_path: Path, test_path: Path) -> None:
    """Write the rows of `train_waves` and of the other waves to two CSV files."""
    rows = load_rows(source)
    fields = list(rows[0].keys())
    for path, keep in ((train_path, True), (test_path, False)):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(r for r in rows if (int(r["wave"]) in train_waves) == keep)

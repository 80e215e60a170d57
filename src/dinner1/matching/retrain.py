"""`dinner1 matching retrain`: learn the breakdown weights from what members did.

Outcomes today: "interested" (positive) against "pass" (negative) on served matches.
Later stages — connection accepted, revelations completed, photos revealed, first
dinner — will weigh more as they are recorded. Until there are enough outcomes of both
kinds, the expert defaults (scoring.DEFAULT_WEIGHTS, version 0) stay in force.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.matching.learning import fit_nonnegative_logistic, roc_auc, to_mixture_weights
from dinner1.matching.models import DailyMatch, MatchingModel
from dinner1.matching.scoring import COMPONENTS

MIN_OUTCOMES = 200
MIN_PER_CLASS = 30


@dataclass
class RetrainResult:
    trained: bool
    reason: str
    version: int | None = None
    weights: dict[str, float] | None = None
    metrics: dict[str, Any] | None = None


async def retrain(session: AsyncSession, tenant_id: uuid.UUID, l2: float = 10.0) -> RetrainResult:
    rows = (
        await session.execute(
            select(DailyMatch.breakdown, DailyMatch.outcome, DailyMatch.day)
            .where(DailyMatch.tenant_id == tenant_id, DailyMatch.outcome.is_not(None))
            .order_by(DailyMatch.day)
        )
    ).all()
    labels = np.array([1.0 if outcome == "interested" else 0.0 for _, outcome, _ in rows])
    positives = int(labels.sum())
    if len(rows) < MIN_OUTCOMES or min(positives, len(rows) - positives) < MIN_PER_CLASS:
        return RetrainResult(
            False,
            f"not enough outcomes yet ({len(rows)} recorded, "
            f"{positives} interested): expert defaults stay",
        )
    features = np.array([[b.get(name, 0.5) for name in COMPONENTS] for b, _, _ in rows])
    # Validate on the most recent fifth: the model must rank tomorrow's outcomes.
    cut = int(len(rows) * 0.8)
    raw, _ = fit_nonnegative_logistic(features[:cut], labels[:cut], l2=l2)
    holdout_auc = roc_auc(features[cut:] @ raw, labels[cut:])
    raw, _ = fit_nonnegative_logistic(features, labels, l2=l2)
    weights = to_mixture_weights(raw, COMPONENTS)
    latest = await session.scalar(
        select(func.max(MatchingModel.version)).where(MatchingModel.tenant_id == tenant_id)
    )
    version = int(latest or 0) + 1
    await session.execute(
        update(MatchingModel).where(MatchingModel.tenant_id == tenant_id).values(active=False)
    )
    metrics = {"holdout_auc": round(holdout_auc, 4), "outcomes": len(rows), "interested": positives}
    session.add(
        MatchingModel(
            tenant_id=tenant_id,
            version=version,
            weights=weights,
            metrics=metrics,
            samples=len(rows),
            active=True,
        )
    )
    await session.flush()
    return RetrainResult(True, "trained", version, weights, metrics)

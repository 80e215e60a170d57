from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from dinner1.db.base import Model, TenantOwned

Json = JSON().with_variant(JSONB(), "postgresql")


class DailyMatch(TenantOwned, Model):
    """One proposed match of a day, with why, and what the member did with it."""

    __tablename__ = "daily_matches"
    __table_args__ = (
        UniqueConstraint("user_id", "candidate_id", "day"),
        Index("ix_daily_matches_member_day", "tenant_id", "user_id", "day"),
        Index("ix_daily_matches_candidate", "tenant_id", "candidate_id", "outcome"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    candidate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    rank: Mapped[int]
    score: Mapped[float]
    label: Mapped[str] = mapped_column(String(24))
    breakdown: Mapped[dict[str, float]] = mapped_column(Json)
    factors: Mapped[list[dict[str, Any]]] = mapped_column(Json)
    distance_bucket: Mapped[str] = mapped_column(String(16))
    model_version: Mapped[int]
    # None until the member acts: "pass" or "interested".
    outcome: Mapped[str | None] = mapped_column(String(16), default=None)
    outcome_at: Mapped[datetime | None] = mapped_column(default=None)


class MatchingModel(TenantOwned, Model):
    """A version of the breakdown weights; version 0 is the documented expert default."""

    __tablename__ = "matching_models"
    __table_args__ = (UniqueConstraint("tenant_id", "version"),)

    version: Mapped[int]
    weights: Mapped[dict[str, float]] = mapped_column(Json)
    metrics: Mapped[dict[str, Any]] = mapped_column(Json)
    samples: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

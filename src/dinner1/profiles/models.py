from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from dinner1.db.base import Model, TenantOwned
from dinner1.db.types import EncryptedJSON

JsonList = JSON().with_variant(JSONB(), "postgresql")


class Profile(TenantOwned, Model):
    """A member's soul profile: who they are, whom they seek, and their onboarding answers.

    Location is only ever a coarse cell (about 5 km): the exact point a browser may send is
    snapped to its cell and dropped.
    """

    __tablename__ = "profiles"
    __table_args__ = (
        # (tenant, user) rather than user alone: every query filters on both, and SQLite's
        # planner would otherwise walk the whole tenant through the tenant_id index.
        UniqueConstraint("tenant_id", "user_id"),
        Index("ix_profiles_discovery", "tenant_id", "discoverable", "gender_bit", "cell_lat"),
        # Each process's retrieval index asks every few seconds what changed.
        Index("ix_profiles_changes", "tenant_id", "updated_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Basics
    gender: Mapped[str | None] = mapped_column(String(16), default=None)
    gender_bit: Mapped[int] = mapped_column(default=0)
    seeking_mask: Mapped[int] = mapped_column(default=0)
    age_min: Mapped[int] = mapped_column(default=18)
    age_max: Mapped[int] = mapped_column(default=99)
    max_distance_km: Mapped[int] = mapped_column(default=50)
    city: Mapped[str | None] = mapped_column(String(64), default=None)
    geocell: Mapped[str | None] = mapped_column(String(12), default=None, index=True)
    cell_lat: Mapped[float | None] = mapped_column(default=None)
    cell_lon: Mapped[float | None] = mapped_column(default=None)
    languages: Mapped[list[str]] = mapped_column(JsonList, default=list)
    relationship_goal: Mapped[str | None] = mapped_column(String(32), default=None)
    # Lifestyle and dealbreakers
    diet: Mapped[list[str]] = mapped_column(JsonList, default=list)
    religion: Mapped[str | None] = mapped_column(String(32), default=None)
    religion_importance: Mapped[int] = mapped_column(default=0)
    smoking: Mapped[str | None] = mapped_column(String(16), default=None)
    drinking: Mapped[str | None] = mapped_column(String(16), default=None)
    has_children: Mapped[str | None] = mapped_column(String(8), default=None)
    wants_children: Mapped[str | None] = mapped_column(String(16), default=None)
    dealbreakers: Mapped[list[str]] = mapped_column(JsonList, default=list)
    # The same as bits (smoker 1, drinker 2, has_children 4) so SQL can filter on them.
    dealbreaker_mask: Mapped[int] = mapped_column(default=0)
    # The soul part
    values_ranked: Mapped[list[str]] = mapped_column(JsonList, default=list)
    interests: Mapped[list[str]] = mapped_column(JsonList, default=list)
    custom_interests: Mapped[list[str]] = mapped_column(JsonList, default=list)
    communication_style: Mapped[str | None] = mapped_column(String(16), default=None)
    love_language: Mapped[str | None] = mapped_column(String(16), default=None)
    lifestyle: Mapped[dict[str, Any]] = mapped_column(JsonList, default=dict)
    life_goals: Mapped[list[str]] = mapped_column(JsonList, default=list)
    answers: Mapped[dict[str, str] | None] = mapped_column(EncryptedJSON, default=None)
    answers_updated_at: Mapped[datetime | None] = mapped_column(default=None)
    # State
    steps_done: Mapped[list[str]] = mapped_column(JsonList, default=list)
    onboarding_completed_at: Mapped[datetime | None] = mapped_column(default=None)
    paused: Mapped[bool] = mapped_column(default=False)
    # Denormalized so discovery filters in one indexed query: completed, not paused, active.
    discoverable: Mapped[bool] = mapped_column(default=False)


class ProfilePhoto(TenantOwned, Model):
    __tablename__ = "profile_photos"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    storage_key: Mapped[str] = mapped_column(String(200))
    blurred_key: Mapped[str] = mapped_column(String(200))
    width: Mapped[int]
    height: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(32), default="image/webp")
    sha256: Mapped[str] = mapped_column(String(64))
    phash: Mapped[str] = mapped_column(String(32), index=True)
    # pHash/dHash of the photo and of its mirror image and crops (media.hashing).
    fingerprint: Mapped[dict[str, Any]] = mapped_column(JsonList, default=dict)
    # approved | pending_review | rejected
    status: Mapped[str] = mapped_column(String(16), default="approved")
    review_reason: Mapped[str | None] = mapped_column(String(64), default=None)


class SoulEmbedding(TenantOwned, Model):
    """Sentence embedding of a member's free-text answers, recomputed when they change."""

    __tablename__ = "soul_embeddings"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    model: Mapped[str] = mapped_column(String(64))
    text_digest: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)

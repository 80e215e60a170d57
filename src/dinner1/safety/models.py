from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dinner1.db.base import Model, TenantOwned
from dinner1.db.types import EncryptedJSON, EncryptedText


class Block(TenantOwned, Model):
    """`blocker` never sees `blocked` again, and the other way round; only the blocker knows."""

    __tablename__ = "blocks"
    __table_args__ = (
        UniqueConstraint("tenant_id", "blocker_id", "blocked_id"),
        Index("ix_blocks_blocked", "tenant_id", "blocked_id"),
    )

    blocker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    blocked_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))


class Report(TenantOwned, Model):
    """A case: something a member (or the classifier, `reporter_id` empty) reported.

    `subject_type` names what is reported (member, message, revelation, photo, venue,
    review) and `subject_id` which one; `subject_user_id` is the member responsible, when
    there is one, so every case about a person can be found. Severity orders the queue;
    `due_at` is the SLA (a crisis within 15 minutes).
    """

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_queue", "tenant_id", "status", "severity", "created_at"),
        Index("ix_reports_subject_user", "tenant_id", "subject_user_id"),
    )

    reporter_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    # member | system (the classifier escalated a crisis or blocked a threat)
    source: Mapped[str] = mapped_column(String(8), default="member")
    subject_type: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[uuid.UUID]
    subject_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    category: Mapped[str] = mapped_column(String(24))
    details: Mapped[str | None] = mapped_column(EncryptedText, default=None)
    # A copy of the reported text at report time (content may be edited or deleted later).
    evidence: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON, default=None)
    severity: Mapped[int] = mapped_column(default=1)
    # open → in_review → actioned | dismissed
    status: Mapped[str] = mapped_column(String(12), default="open")
    due_at: Mapped[datetime]
    assigned_to: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    outcome: Mapped[str | None] = mapped_column(String(24), default=None)


class ModerationAction(TenantOwned, Model):
    """Every console action, kept as the audit trail (who, what, to whom, why)."""

    __tablename__ = "moderation_actions"
    __table_args__ = (Index("ix_moderation_actions_target", "tenant_id", "target_user_id"),)

    report_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), default=None, index=True
    )
    moderator_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    target_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    # dismiss | warn | remove_content | suspend | ban | require_verification | reinstate |
    # approve_selfie | reject_selfie | clear_risk
    action: Mapped[str] = mapped_column(String(24))
    days: Mapped[int | None] = mapped_column(default=None)
    reason: Mapped[str | None] = mapped_column(Text, default=None)


class RiskAssessment(TenantOwned, Model):
    """A member's fraud / fake-profile risk, recomputed from signals; explained in the console."""

    __tablename__ = "risk_assessments"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(default=0.0)
    # low | medium | high
    level: Mapped[str] = mapped_column(String(8), default="low")
    # [{"signal": …, "weight": …, "detail": …}] — why the score is what it is.
    signals: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    throttled: Mapped[bool] = mapped_column(default=False)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)


class SelfieCheck(TenantOwned, Model):
    """A selfie in a requested pose, for a moderator to compare with the profile photos."""

    __tablename__ = "selfie_checks"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    pose: Mapped[str] = mapped_column(String(32))
    storage_key: Mapped[str | None] = mapped_column(String(200), default=None)
    # requested → submitted → approved | rejected
    status: Mapped[str] = mapped_column(String(12), default="requested")
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str | None] = mapped_column(String(200), default=None)

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from dinner1.db.base import Model, TenantOwned


class ConsentRecord(TenantOwned, Model):
    """One consent decision; the latest per (member, purpose) is in force. Kept as history
    so the product can show when and how a consent was given or withdrawn."""

    __tablename__ = "consent_records"
    __table_args__ = (Index("ix_consent_records_user", "tenant_id", "user_id", "purpose"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # marketing_email | analytics | semantic_matching
    purpose: Mapped[str] = mapped_column(String(24))
    granted: Mapped[bool]
    # signup | settings | api
    source: Mapped[str] = mapped_column(String(12), default="settings")


class StaffAccess(TenantOwned, Model):
    """Every time staff look at a member's personal data (reports, exports, the console)."""

    __tablename__ = "staff_access_log"
    __table_args__ = (Index("ix_staff_access_subject", "tenant_id", "subject_user_id"),)

    staff_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    subject_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    # e.g. report.view, member.view, export.download
    what: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(String(200), default=None)

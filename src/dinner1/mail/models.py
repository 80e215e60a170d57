from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dinner1.db.base import Model, TenantOwned
from dinner1.db.types import EncryptedText


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for SMTP delivery
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"  # no SMTP configured: the outbox is where it is read


class OutboxEmail(TenantOwned, Model):
    """Every email is written here in the same transaction as the change that caused it."""

    __tablename__ = "outbox_emails"

    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)


class OutboxSms(TenantOwned, Model):
    """Text messages (verification codes), written in the request's transaction. With no
    SMS gateway configured they stay here, where operators and tests read them."""

    __tablename__ = "outbox_sms"

    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    kind: Mapped[str] = mapped_column(String(40))
    to_number: Mapped[str] = mapped_column(EncryptedText)
    body: Mapped[str] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(16), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)

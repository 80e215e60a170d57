from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from dinner1.db.base import Model, TenantOwned
from dinner1.db.types import EncryptedText


class Role(enum.StrEnum):
    MEMBER = "member"
    VENUE_OWNER = "venue_owner"
    MODERATOR = "moderator"
    ADMIN = "admin"


def barred_until(
    banned_at: datetime | None, suspended_until: datetime | None, now: datetime
) -> datetime | None:
    if banned_at is not None:
        return datetime.max.replace(tzinfo=UTC)
    if suspended_until is not None and suspended_until > now:
        return suspended_until
    return None


class User(TenantOwned, Model):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("tenant_id", "email"),
        # Each process's retrieval index asks every few seconds what changed.
        Index("ix_users_changes", "tenant_id", "updated_at"),
    )

    email: Mapped[str] = mapped_column(String(320))
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    date_of_birth: Mapped[date] = mapped_column(Date)
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER.value)
    locale: Mapped[str | None] = mapped_column(String(8), default=None)
    home_city: Mapped[str | None] = mapped_column(String(64), default=None)
    email_verified_at: Mapped[datetime | None] = mapped_column(default=None)
    is_active: Mapped[bool] = mapped_column(default=True)
    deactivated_at: Mapped[datetime | None] = mapped_column(default=None)
    # Bumped on password change or "log out everywhere"; access tokens carry the version
    # they were issued under and are refused once it moves on.
    token_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    # Coarse activity (updated at most daily): drives anonymization after long inactivity.
    last_active_at: Mapped[datetime | None] = mapped_column(default=None)
    # Trust & safety: a verified phone, a moderator-approved selfie ("verified" badge).
    phone: Mapped[str | None] = mapped_column(EncryptedText, default=None)
    # Keyed hash of the normalized number: finds one phone on several accounts, unreadable.
    phone_hash: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    phone_verified_at: Mapped[datetime | None] = mapped_column(default=None)
    identity_verified_at: Mapped[datetime | None] = mapped_column(default=None)
    # Only verified members may send this member connection requests.
    verified_requests_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Moderation: a moderator may require verification before the member goes on.
    verification_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    suspended_until: Mapped[datetime | None] = mapped_column(default=None)
    banned_at: Mapped[datetime | None] = mapped_column(default=None)
    # Privacy: deletion asked (hidden at once, personal data erased after the grace period).
    deletion_requested_at: Mapped[datetime | None] = mapped_column(default=None)
    anonymized_at: Mapped[datetime | None] = mapped_column(default=None)

    def barred_until(self, now: datetime) -> datetime | None:
        """When a moderator's ban or suspension ends (datetime.max for a ban), else None."""
        return barred_until(self.banned_at, self.suspended_until, now)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None


class PhoneVerification(TenantOwned, Model):
    """A one-time code sent by SMS to prove a phone number (only its hash is kept)."""

    __tablename__ = "phone_verifications"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    phone: Mapped[str] = mapped_column(EncryptedText)
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class RefreshToken(TenantOwned, Model):
    """One link of a rotation chain; all links of one login share `family_id`."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index("ix_refresh_tokens_family", "family_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[uuid.UUID]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    rotated_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    user_agent: Mapped[str | None] = mapped_column(String(200), default=None)


class WebSession(TenantOwned, Model):
    """A browser login, referenced by an HttpOnly cookie that holds the unhashed token."""

    __tablename__ = "web_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    user_agent: Mapped[str | None] = mapped_column(String(200), default=None)


class TokenPurpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose name, not a secret


class AccountToken(TenantOwned, Model):
    """Single-use tokens sent by email."""

    __tablename__ = "account_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)

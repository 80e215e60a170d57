from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from dinner1.privacy.consents import Purpose


class ConsentOut(BaseModel):
    purpose: Purpose
    granted: bool
    # When the decision in force was made; None when the member never decided (not granted).
    decided_at: datetime | None
    source: str | None


class ConsentsIn(BaseModel):
    """Only the purposes named change; the others stay as they are."""

    model_config = ConfigDict(extra="forbid")

    marketing_email: bool | None = None
    analytics: bool | None = None
    semantic_matching: bool | None = None

    def wanted(self) -> dict[Purpose, bool]:
        return {
            Purpose(name): value for name, value in self.model_dump().items() if value is not None
        }


class ExportOut(BaseModel):
    id: uuid.UUID
    created_at: datetime
    expires_at: datetime
    size_bytes: int
    download_url: str


class DeletionIn(BaseModel):
    password: str = Field(min_length=1, max_length=256)
    # The explicit "yes, delete my account" of the confirmation step.
    confirm: bool


class DeletionOut(BaseModel):
    deletion_requested_at: datetime
    erase_after: datetime


class CancelDeletionIn(BaseModel):
    member: uuid.UUID
    token: str = Field(min_length=1, max_length=128)


class MemberAccessOut(BaseModel):
    """What a member sees of staff looking at their data: what and when, never who."""

    at: datetime
    what: str
    description: str
    # "a moderator" | "an administrator" | "staff"
    by: str


class StaffAccessOut(BaseModel):
    id: uuid.UUID
    at: datetime
    staff_id: uuid.UUID | None
    staff_name: str | None
    staff_role: str | None
    subject_user_id: uuid.UUID | None
    what: str
    reason: str | None

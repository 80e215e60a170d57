"""Request and response shapes of the safety API (reports, console, verification, crisis)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dinner1.safety.categories import Category, SubjectType

MAX_DETAILS = 2000
MAX_REASON = 500
MAX_CHECK_TEXT = 20_000
ModeratorAction = Literal[
    "dismiss", "warn", "remove_content", "suspend", "ban", "require_verification"
]


def _blank_to_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split()) if "\n" not in value else value.strip()
    return value or None


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject_type: SubjectType
    subject_id: uuid.UUID
    category: Category
    details: str | None = Field(default=None, max_length=MAX_DETAILS)
    # Block the member responsible in the same request.
    block: bool = False

    _clean = field_validator("details")(_blank_to_none)


class ReportOut(BaseModel):
    """A case as its reporter sees it: what they reported and what came of it."""

    id: uuid.UUID
    subject_type: str
    category: str
    status: str
    outcome: str | None
    outcome_text: str
    created_at: datetime
    resolved_at: datetime | None


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: ModeratorAction
    days: int | None = Field(default=None, ge=1, le=3650)
    reason: str | None = Field(default=None, max_length=MAX_REASON)

    _clean = field_validator("reason")(_blank_to_none)


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=MAX_REASON)

    _clean = field_validator("reason")(_blank_to_none)


class QueueItemOut(BaseModel):
    id: uuid.UUID
    category: str
    category_label: str
    severity: int
    subject_type: str
    source: str
    status: str
    created_at: datetime
    due_at: datetime
    overdue: bool
    minutes_left: int
    assigned_to: uuid.UUID | None


class SignalOut(BaseModel):
    signal: str
    weight: float
    detail: str


class RiskOut(BaseModel):
    score: float
    level: str
    throttled: bool
    reviewed_at: datetime | None
    computed_at: datetime
    signals: list[SignalOut]


class PhotoRef(BaseModel):
    id: uuid.UUID
    status: str
    review_reason: str | None
    url: str


class SelfieOut(BaseModel):
    id: uuid.UUID
    user_id: uuid.UUID
    pose: str
    pose_text: str
    status: str
    reason: str | None
    created_at: datetime
    image_url: str | None


class MemberSummaryOut(BaseModel):
    id: uuid.UUID
    display_name: str
    role: str
    age: int
    city: str | None
    member_since: datetime
    email_verified: bool
    phone_verified: bool
    identity_verified: bool
    verification_required: bool
    suspended_until: datetime | None
    banned: bool
    answers: dict[str, str]
    photos: list[PhotoRef]


class CaseBriefOut(BaseModel):
    id: uuid.UUID
    category: str
    status: str
    outcome: str | None
    created_at: datetime


class ActionOut(BaseModel):
    id: uuid.UUID
    action: str
    days: int | None
    reason: str | None
    report_id: uuid.UUID | None
    moderator_id: uuid.UUID | None
    created_at: datetime


class CaseOut(BaseModel):
    id: uuid.UUID
    source: str
    subject_type: str
    subject_id: uuid.UUID
    category: str
    category_label: str
    severity: int
    status: str
    outcome: str | None
    details: str | None
    evidence: dict[str, Any] | None
    evidence_photo_url: str | None
    created_at: datetime
    due_at: datetime
    overdue: bool
    assigned_to: uuid.UUID | None
    reporter_name: str | None
    subject: MemberSummaryOut | None
    previous_reports: list[CaseBriefOut]
    actions: list[ActionOut]
    risk: RiskOut | None
    selfies: list[SelfieOut]


class PhoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str = Field(min_length=1, max_length=40)
    # Where a number without its country code is from; the member's country by default.
    country: Literal["MA", "FR"] | None = None


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=20)


class PhoneCodeSent(BaseModel):
    phone: str
    expires_at: datetime
    resend_after_seconds: int


class PoseOut(BaseModel):
    id: uuid.UUID
    pose: str
    instruction: str
    status: str


class VerificationSettingsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verified_requests_only: bool


class VerificationOut(BaseModel):
    email_verified: bool
    phone: str | None
    phone_verified: bool
    identity_verified: bool
    verification_required: bool
    verified_requests_only: bool
    selfie: PoseOut | None
    selfie_reason: str | None


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=MAX_CHECK_TEXT)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("Write something to check.")
        return value


class CrisisLineOut(BaseModel):
    name: str
    phone: str | None
    url: str | None
    hours: str | None


class CrisisResourcesOut(BaseModel):
    country: str
    message: str
    lines: list[CrisisLineOut]


class CheckOut(BaseModel):
    action: str
    labels: list[str]
    score: float
    language: str
    resources: CrisisResourcesOut | None
    case_id: uuid.UUID | None

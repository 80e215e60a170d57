from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

Locale = Literal["en", "fr", "ar"]


class Input(BaseModel):
    """Request bodies refuse unknown fields, so a typo is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class RegisterIn(Input):
    email: EmailStr = Field(max_length=320)
    password: str = Field(max_length=1024)
    date_of_birth: date
    display_name: str = Field(min_length=1, max_length=80)
    locale: Locale | None = None

    @field_validator("display_name")
    @classmethod
    def _clean_name(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("display name cannot be blank")
        return value


class LoginIn(Input):
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class RefreshIn(Input):
    refresh_token: str = Field(min_length=1, max_length=200)


class LogoutIn(Input):
    refresh_token: str | None = Field(default=None, max_length=200)


class EmailIn(Input):
    email: EmailStr = Field(max_length=320)


class TokenIn(Input):
    token: str = Field(min_length=1, max_length=200)


class ResetPasswordIn(Input):
    token: str = Field(min_length=1, max_length=200)
    new_password: str = Field(max_length=1024)


class ChangePasswordIn(Input):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(max_length=1024)


class MePatch(Input):
    display_name: str | None = Field(default=None, min_length=1, max_length=80)
    locale: Locale | None = None


class Accepted(BaseModel):
    status: str
    detail: str


class TokenPairOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type name
    expires_in: int
    refresh_token: str
    refresh_expires_in: int


class MeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    display_name: str
    date_of_birth: date
    role: str
    locale: str | None
    email_verified: bool = Field(validation_alias="is_verified")
    created_at: datetime

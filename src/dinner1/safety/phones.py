"""Phone numbers: normalized to E.164 (Morocco by default: 06… → +2126…; French numbers
with +33, 0033, or 0… when the member is in France), masked for display, and hashed with
the app secret so one number on several accounts can be found without being readable."""

from __future__ import annotations

import hashlib
import hmac
import re

from dinner1.core.errors import ValidationFailed
from dinner1.locale.service import gettext as _

COUNTRY_CODES = {"MA": "212", "FR": "33"}
_SEPARATORS = re.compile(r"[\s.\-()/\u00a0]")
# After the country code: Moroccan fixed 5, mobile 6/7, VoIP 8; French 1-9.
_NATIONAL = {"212": re.compile(r"[5-8]\d{8}"), "33": re.compile(r"[1-9]\d{8}")}


def _invalid() -> ValidationFailed:
    return ValidationFailed(
        _("Enter a mobile number such as 06 12 34 56 78, or +33 6 12 34 56 78 from abroad."),
        errors=[{"loc": ["body", "phone"], "msg": "invalid phone number", "type": "value_error"}],
    )


def normalize_phone(raw: str, default_country: str = "MA") -> str:
    """E.164 (`+212612345678`) or a ValidationFailed that says what to type."""
    cleaned = _SEPARATORS.sub("", raw)
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    if not re.fullmatch(r"\+?\d{6,16}", cleaned):
        raise _invalid()
    code = COUNTRY_CODES.get(default_country, COUNTRY_CODES["MA"])
    if cleaned.startswith("+"):
        digits = cleaned[1:]
    elif cleaned.startswith("0"):
        digits = code + cleaned[1:]
    elif len(cleaned) == 9:
        digits = code + cleaned
    else:
        digits = cleaned
    return "+" + _checked(digits)


def _checked(digits: str) -> str:
    for country_code, national in _NATIONAL.items():
        if digits.startswith(country_code):
            rest = digits[len(country_code) :]
            if rest.startswith("0") and len(rest) == 10:  # "+212 06…": the trunk 0 goes
                rest = rest[1:]
            if not national.fullmatch(rest):
                raise _invalid()
            return country_code + rest
    if not 8 <= len(digits) <= 15 or digits.startswith("0"):
        raise _invalid()
    return digits


def country_of_phone(e164: str) -> str | None:
    """The ISO country of a number we serve (`+33…` → FR), else None."""
    digits = e164.removeprefix("+")
    return next((iso for iso, code in COUNTRY_CODES.items() if digits.startswith(code)), None)


def mask(e164: str) -> str:
    """`+212612345678` → `+2126••••••78`: enough to recognise, not to dial."""
    return e164[:5] + "•" * max(0, len(e164) - 7) + e164[-2:]


def phone_hash(secret: str, e164: str) -> str:
    return hmac.new(secret.encode(), f"phone:{e164}".encode(), hashlib.sha256).hexdigest()


def code_hash(secret: str, verification_id: str, code: str) -> str:
    return hmac.new(
        secret.encode(), f"code:{verification_id}:{code}".encode(), hashlib.sha256
    ).hexdigest()

"""Password hashing, opaque tokens and signed access tokens."""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import orjson
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dinner1.core.errors import InvalidToken

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when an account does not exist, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("dinner1-timing-equaliser")

ACCESS_AUDIENCE = "dinner1-api"


async def hash_password(password: str) -> str:
    # Argon2 is deliberately slow; keep it off the event loop.
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> tuple[bool, bool]:
    """Return (matches, needs_rehash). A missing hash still costs one verification."""
    target = password_hash or _DUMMY_HASH
    try:
        ok = await asyncio.to_thread(_hasher.verify, target, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, False
    if password_hash is None:
        return False, False
    return ok, _hasher.check_needs_rehash(password_hash)


def new_opaque_token() -> str:
    return secrets.token_urlsafe(32)


def hash_opaque_token(token: str) -> str:
    """Opaque tokens carry 256 bits of entropy, so a plain digest is enough to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    role: str
    token_version: int
    issued_at: datetime
    expires_at: datetime


# Access tokens are HS256 JWTs. Verification is written out here rather than delegated:
# it runs on every API request, the only accepted header is this exact one (so `alg:none`
# and algorithm confusion cannot arise), and it costs a few microseconds instead of a
# general-purpose parser's hundreds.
_JWT_HEADER = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")


def _b64encode(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _b64decode(data: bytes) -> bytes:
    return base64.urlsafe_b64decode(data + b"=" * (-len(data) % 4))


def encode_access_token(
    *,
    secret: str,
    user_id: uuid.UUID,
    tenant_id: uuid.UUID,
    role: str,
    token_version: int,
    ttl_seconds: int,
) -> tuple[str, datetime]:
    now = datetime.now(UTC)
    expires = now + timedelta(seconds=ttl_seconds)
    payload = {
        "sub": str(user_id),
        "tid": str(tenant_id),
        "role": role,
        "ver": token_version,
        "aud": ACCESS_AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": secrets.token_hex(8),
    }
    signing_input = _JWT_HEADER + b"." + _b64encode(orjson.dumps(payload))
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + _b64encode(signature)).decode(), expires


def decode_access_token(token: str, *, secret: str) -> AccessClaims:
    """The claims of a genuine, unexpired access token; `InvalidToken` otherwise.

    A client sends the same token on every request until it expires, so a verified
    token's claims are remembered (by the exact token text and the secret); the expiry is
    checked on every call. A token that fails is never remembered."""
    claims = _verified_claims(token, secret)
    if claims.expires_at.timestamp() <= time.time():
        raise InvalidToken("The access token has expired; refresh it")
    return claims


@lru_cache(maxsize=8192)
def _verified_claims(token: str, secret: str) -> AccessClaims:
    try:
        raw = token.encode("ascii")
        header, payload_part, signature_part = raw.split(b".")
    except (UnicodeEncodeError, ValueError) as exc:
        raise InvalidToken() from exc
    if not hmac.compare_digest(header, _JWT_HEADER):
        raise InvalidToken()
    expected = hmac.new(secret.encode(), header + b"." + payload_part, hashlib.sha256).digest()
    try:
        signature = _b64decode(signature_part)
    except (binascii.Error, ValueError) as exc:
        raise InvalidToken() from exc
    if not hmac.compare_digest(signature, expected):
        raise InvalidToken()
    try:
        payload = orjson.loads(_b64decode(payload_part))
        if payload["aud"] != ACCESS_AUDIENCE:
            raise InvalidToken()
        expires_at = int(payload["exp"])
        claims = AccessClaims(
            user_id=uuid.UUID(payload["sub"]),
            tenant_id=uuid.UUID(payload["tid"]),
            role=str(payload["role"]),
            token_version=int(payload["ver"]),
            issued_at=datetime.fromtimestamp(int(payload["iat"]), UTC),
            expires_at=datetime.fromtimestamp(expires_at, UTC),
        )
    except (KeyError, TypeError, ValueError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise InvalidToken() from exc
    return claims

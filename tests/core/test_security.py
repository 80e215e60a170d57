from __future__ import annotations

import base64
import json
import time
import uuid

import pytest

from dinner1.core.errors import InvalidToken
from dinner1.core.security import (
    decode_access_token,
    encode_access_token,
    hash_opaque_token,
    hash_password,
    verify_password,
)

SECRET = "s" * 48


def token(**overrides: object) -> str:
    values: dict[str, object] = {
        "secret": SECRET,
        "user_id": uuid.uuid4(),
        "tenant_id": uuid.uuid4(),
        "role": "member",
        "token_version": 3,
        "ttl_seconds": 60,
    }
    values.update(overrides)
    return encode_access_token(**values)[0]  # type: ignore[arg-type]


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_round_trip() -> None:
    user, tenant = uuid.uuid4(), uuid.uuid4()
    claims = decode_access_token(token(user_id=user, tenant_id=tenant, role="admin"), secret=SECRET)
    assert (claims.user_id, claims.tenant_id, claims.role, claims.token_version) == (
        user,
        tenant,
        "admin",
        3,
    )
    assert claims.expires_at > claims.issued_at


def test_tampered_payloads_and_other_secrets_are_refused() -> None:
    header, _payload, signature = token().split(".")
    forged = b64(
        {
            "sub": str(uuid.uuid4()),
            "tid": str(uuid.uuid4()),
            "role": "admin",
            "ver": 3,
            "aud": "dinner1-api",
            "iat": int(time.time()),
            "exp": int(time.time()) + 60,
        }
    )
    with pytest.raises(InvalidToken):
        decode_access_token(f"{header}.{forged}.{signature}", secret=SECRET)
    with pytest.raises(InvalidToken):
        decode_access_token(token(), secret="another secret entirely, also long")


def test_alg_none_and_other_headers_are_refused() -> None:
    _, payload, _ = token().split(".")
    for header in ({"alg": "none", "typ": "JWT"}, {"alg": "HS512", "typ": "JWT"}):
        with pytest.raises(InvalidToken):
            decode_access_token(f"{b64(header)}.{payload}.", secret=SECRET)


def test_expired_tokens_are_refused_with_a_hint() -> None:
    with pytest.raises(InvalidToken, match="expired"):
        decode_access_token(token(ttl_seconds=-1), secret=SECRET)


def test_a_token_verified_before_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = token(ttl_seconds=30)
    assert decode_access_token(fresh, secret=SECRET).token_version == 3  # now remembered
    later = time.time() + 31
    monkeypatch.setattr("dinner1.core.security.time.time", lambda: later)
    with pytest.raises(InvalidToken, match="expired"):
        decode_access_token(fresh, secret=SECRET)


def test_a_remembered_token_is_not_valid_under_another_secret() -> None:
    fresh = token()
    decode_access_token(fresh, secret=SECRET)
    with pytest.raises(InvalidToken):
        decode_access_token(fresh, secret="another secret entirely, also long")


@pytest.mark.parametrize("garbage", ["", "a.b", "a.b.c.d", "é.é.é", "...", "x" * 5000])
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidToken):
        decode_access_token(garbage, secret=SECRET)


async def test_passwords_hash_with_argon2id_and_verify() -> None:
    hashed = await hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$")
    assert await verify_password(hashed, "correct horse battery staple") == (True, False)
    assert (await verify_password(hashed, "wrong"))[0] is False
    assert (await verify_password(None, "anything"))[0] is False


def test_opaque_tokens_are_stored_as_digests() -> None:
    assert hash_opaque_token("abc") != "abc"
    assert len(hash_opaque_token("abc")) == 64

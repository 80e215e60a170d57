"""`dinner1 keys rotate`: every encrypted field re-encrypted under a new key in batches,
still readable afterwards (with the new key alone once the old one is dropped), and a run
that stopped half-way finished with `--resume`."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Text, select, type_coerce

from dinner1.accounts.models import User
from dinner1.core.crypto import configure_field_cipher
from dinner1.privacy import keys
from dinner1.runtime import Runtime
from tests.fixtures.factories import create_user
from tests.privacy.people import linked_pair

Values = dict[tuple[str, str, uuid.UUID], Any]


@pytest.fixture(autouse=True)
def restore_cipher(runtime: Runtime) -> Iterator[None]:
    """The cipher is per process: put back the test run's keys whatever happens here."""
    yield
    configure_field_cipher(
        [k.get_secret_value() for k in runtime.settings.security.encryption_keys]
    )


async def decrypted(runtime: Runtime) -> Values:
    """Every encrypted value, read through the column types (the process's cipher)."""
    found: Values = {}
    async with runtime.db.engine.connect() as connection:
        for table, columns in keys.encrypted_columns():
            rows = await connection.execute(select(table.c.id, *columns))
            for row in rows:
                for column in columns:
                    value = row._mapping[column.name]
                    if value is not None:
                        found[(table.name, column.name, row.id)] = value
    return found


async def tokens(runtime: Runtime) -> dict[tuple[str, str, uuid.UUID], str]:
    """Every encrypted value as stored."""
    found: dict[tuple[str, str, uuid.UUID], str] = {}
    async with runtime.db.engine.connect() as connection:
        for table, columns in keys.encrypted_columns():
            raw = [type_coerce(c, Text).label(c.name) for c in columns]
            for row in await connection.execute(select(table.c.id, *raw)):
                for column in columns:
                    value = row._mapping[column.name]
                    if value is not None:
                        found[(table.name, column.name, row.id)] = value
    return found


def readable_with(key: str, token: str) -> bool:
    try:
        Fernet(key.encode()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def stored_keys(runtime: Runtime) -> list[str]:
    secrets = json.loads((runtime.settings.data_dir / "secrets.json").read_text())
    return list(secrets["encryption_keys"])


async def rotate(runtime: Runtime, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as an operator runs it, on this test's database and data folder."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("DINNER1_") and k != "DATABASE_URL"
    }
    env["DINNER1_DATA_DIR"] = str(runtime.settings.data_dir)
    if not runtime.settings.is_sqlite:
        env["DATABASE_URL"] = runtime.settings.database_url
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "dinner1", "keys", "rotate", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_rotation_resumes_and_everything_reads_under_the_new_key_alone(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await linked_pair(client, runtime)
    (old,) = [k.get_secret_value() for k in runtime.settings.security.encryption_keys]
    runtime.settings.data_dir.mkdir(parents=True, exist_ok=True)
    (runtime.settings.data_dir / "secrets.json").write_text(
        json.dumps({"secret_key": "s" * 48, "encryption_keys": [old]})
    )
    before = await decrypted(runtime)
    covered = {(table, column) for table, column, _ in before}
    assert {("users", "phone"), ("profiles", "answers"), ("reports", "details")} <= covered
    assert {("phone_verifications", "phone"), ("outbox_sms", "body")} <= covered

    # A rotation that stops after three batches of two (a crash, a ^C).
    new = keys.new_key()
    keys.store_keys(runtime.settings.data_dir, [new, old])
    batches: list[tuple[str, int]] = []

    def crash_after_three(table: str, done: int) -> None:
        batches.append((table, done))
        if len(batches) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await keys.reencrypt(
            runtime.db.engine, [new, old], batch_size=2, progress=crash_after_three
        )
    assert all(done <= 2 for _, done in batches)
    half = await tokens(runtime)
    under_new = [t for t in half.values() if readable_with(new, t)]
    assert 0 < len(under_new) < len(half)

    resumed = await rotate(runtime, "--resume", "--drop-old", "--batch-size", "2")
    assert resumed.returncode == 0, resumed.stderr
    assert (
        f"re-encrypted {len(half) - len(under_new)} value(s); {len(under_new)} already current"
        in resumed.stdout
    )
    assert "old keys removed" in resumed.stdout
    assert "profiles" in resumed.stderr  # the progress bar, per table
    assert stored_keys(runtime) == [new]

    after = await tokens(runtime)
    assert after.keys() == half.keys()
    assert all(readable_with(new, t) and not readable_with(old, t) for t in after.values())
    configure_field_cipher([new])
    assert await decrypted(runtime) == before

    # A second rotation: a fresh key, every value moved (none were under it yet).
    again = await rotate(runtime, "--batch-size", "3")
    assert again.returncode == 0, again.stderr
    newest, previous = stored_keys(runtime)
    assert previous == new
    assert f"re-encrypted {len(after)} value(s); 0 already current" in again.stdout
    assert all(readable_with(newest, t) for t in (await tokens(runtime)).values())
    configure_field_cipher([newest, new])
    assert await decrypted(runtime) == before
    # Run again: nothing to do.
    idle = await rotate(runtime, "--resume")
    assert f"re-encrypted 0 value(s); {len(after)} already current" in idle.stdout


async def test_old_keys_stay_while_any_value_needs_them(runtime: Runtime) -> None:
    """`unreadable_under` is the check before dropping keys: a value written under an old
    key (say by a process not yet restarted) keeps the old keys in place."""
    user = await create_user(runtime)
    (old,) = [k.get_secret_value() for k in runtime.settings.security.encryption_keys]
    async with runtime.db.unit_of_work() as session:
        row = await session.get(User, user.id)
        assert row is not None
        row.phone = "+212600000001"
    new = keys.new_key()
    report = await keys.unreadable_under(runtime.db.engine, new)
    assert not report.complete and "users.phone" in report.describe_unreadable()
    stored = (await tokens(runtime))[("users", "phone", user.id)]
    unknown = await keys.reencrypt(runtime.db.engine, [keys.new_key()])
    # Nobody can read it with that key: reported, never overwritten.
    assert unknown.unreadable["users.phone"] == [user.id]
    assert (await tokens(runtime))[("users", "phone", user.id)] == stored
    done = await keys.reencrypt(runtime.db.engine, [new, old])
    assert done.complete and done.rotated >= 1
    assert (await keys.unreadable_under(runtime.db.engine, new)).complete

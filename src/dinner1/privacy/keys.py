"""Rotating the keys of fields encrypted at rest (`dinner1 keys rotate`).

Every column whose type is `EncryptedText` or `EncryptedJSON`, in every table of the
metadata, is re-encrypted under the newest key in batches, each batch its own short
transaction. A value already readable with the newest key alone is left as it is, so a
run that stopped half-way is simply run again (`--resume`) and a finished one is a no-op.
Old keys may go only once every value reads under the newest key.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Column, Table, Text, func, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncEngine

from dinner1.config import SECRETS_FILE, Settings
from dinner1.db.registry import load_metadata
from dinner1.db.types import EncryptedJSON, EncryptedText

Progress = Callable[[str, int], None]


def encrypted_columns() -> Iterator[tuple[Table, list[Column[str]]]]:
    """Each table with its encrypted columns, found from the models (nothing to list)."""
    for table in load_metadata().sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, EncryptedText | EncryptedJSON)]
        if columns:
            yield table, columns


@dataclass
class RotationReport:
    rotated: int = 0
    already_current: int = 0
    # "table.column" → ids of rows no configured key can read
    unreadable: dict[str, list[uuid.UUID]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.unreadable

    def describe_unreadable(self) -> str:
        return "; ".join(
            f"{where}: {len(ids)} value(s), e.g. id {ids[0]}"
            for where, ids in self.unreadable.items()
        )


async def count_rows(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        return {
            table.name: int(await connection.scalar(select(func.count()).select_from(table)) or 0)
            for table, _ in encrypted_columns()
        }


def _raw(column: Column[str]) -> Column[str]:
    """The stored token, not the decrypted value."""
    return type_coerce(column, Text).label(column.name)  # type: ignore[return-value]


class _Rotator:
    def __init__(self, keys: Sequence[str], *, write: bool) -> None:
        self.newest = Fernet(keys[0].encode())
        self.all = MultiFernet([Fernet(key.encode()) for key in keys])
        self.write = write
        self.report = RotationReport()

    def under_newest(self, token: str) -> bool:
        try:
            self.newest.decrypt(token.encode())
        except InvalidToken:
            return False
        return True

    def changes(self, table: Table, row_id: uuid.UUID, values: dict[str, str]) -> dict[str, str]:
        changed: dict[str, str] = {}
        for name, token in values.items():
            if self.under_newest(token):
                self.report.already_current += 1
                continue
            try:
                changed[name] = self.all.rotate(token.encode()).decode()
            except InvalidToken:
                self.report.unreadable.setdefault(f"{table.name}.{name}", []).append(row_id)
                continue
            self.report.rotated += 1
        return changed


async def _process_table(
    engine: AsyncEngine,
    rotator: _Rotator,
    table: Table,
    columns: list[Column[str]],
    batch_size: int,
    progress: Progress | None,
) -> None:
    last_id: uuid.UUID | None = None
    while True:
        query = select(table.c.id, *[_raw(c) for c in columns]).order_by(table.c.id)
        if last_id is not None:
            query = query.where(table.c.id > last_id)
        async with engine.begin() as connection:
            rows = (await connection.execute(query.limit(batch_size))).all()
            for row in rows:
                values = {c.name: row._mapping[c.name] for c in columns}
                present = {k: v for k, v in values.items() if v is not None}
                changed = rotator.changes(table, row.id, present)
                if changed and rotator.write:
                    raw = {name: type_coerce(token, Text) for name, token in changed.items()}
                    await connection.execute(update(table).where(table.c.id == row.id).values(raw))
        if not rows:
            return
        last_id = rows[-1].id
        if progress is not None:
            progress(table.name, len(rows))


async def reencrypt(
    engine: AsyncEngine,
    keys: Sequence[str],
    *,
    batch_size: int = 500,
    progress: Progress | None = None,
) -> RotationReport:
    """Re-encrypt every encrypted value under `keys[0]` (any key in `keys` may read it)."""
    rotator = _Rotator(keys, write=True)
    for table, columns in encrypted_columns():
        await _process_table(engine, rotator, table, columns, batch_size, progress)
    return rotator.report


async def unreadable_under(
    engine: AsyncEngine, key: str, *, batch_size: int = 500, progress: Progress | None = None
) -> RotationReport:
    """A read-only pass: which values the single `key` cannot read (must be none to drop
    every other key)."""
    rotator = _Rotator([key], write=False)
    for table, columns in encrypted_columns():
        await _process_table(engine, rotator, table, columns, batch_size, progress)
    return rotator.report


def keys_come_from_environment() -> bool:
    """True when the keys are set in the environment (then this command cannot store them)."""
    return bool(Settings().security.encryption_keys)


def store_keys(data_dir: Path, keys: Sequence[str]) -> None:
    """Replace the keys in the data folder's secrets file (kept 0600, swapped atomically)."""
    path = data_dir / SECRETS_FILE
    stored = json.loads(path.read_text())
    stored["encryption_keys"] = list(keys)
    partial = path.with_suffix(".json.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(stored, handle)
    partial.replace(path)


def new_key() -> str:
    return Fernet.generate_key().decode()


def check_key(value: str) -> str:
    """A Fernet key, or ValueError saying what is wrong."""
    try:
        Fernet(value.encode())
    except (ValueError, TypeError) as exc:
        raise ValueError("not a Fernet key (32 url-safe base64-encoded bytes)") from exc
    return value

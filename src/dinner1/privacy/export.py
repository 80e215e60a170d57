"""A member's copy of their data: a ZIP of JSON files (plus their own photos).

Each domain contributes through an exporter registered with `@exporter("name")` in a module
listed in `EXPORTER_MODULES` (connections, revelations and messages add theirs there).
Other people appear only under a per-export alias ("member-1"): never their names,
photos, emails or birth dates.

The ZIP is written off the event loop into the data folder, downloadable by its owner only
for `EXPORT_TTL`, then deleted (`privacy.purge_exports`).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import shutil
import uuid
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.config import Settings
from dinner1.core.errors import NotFound
from dinner1.core.ratelimit import RateLimiter
from dinner1.core.storage import MediaStorage
from dinner1.locale.service import gettext as _

EXPORT_TTL = timedelta(days=7)
# Building an export reads every table and copies the photos: a few a day is plenty.
EXPORTS_PER_DAY = 10
EXPORTER_MODULES = ("dinner1.privacy.exporters",)


class Aliases:
    """Stable, meaningless names for the other people in one export."""

    def __init__(self) -> None:
        self._names: dict[uuid.UUID, str] = {}

    def __call__(self, user_id: uuid.UUID | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in self._names:
            self._names[user_id] = f"member-{len(self._names) + 1}"
        return self._names[user_id]


@dataclass
class ExportContext:
    session: AsyncSession
    storage: MediaStorage
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    aliases: Aliases = field(default_factory=Aliases)


@dataclass(frozen=True)
class ExportFile:
    name: str
    data: bytes


Exporter = Callable[[ExportContext], Awaitable[list[ExportFile]]]
_EXPORTERS: dict[str, Exporter] = {}


def exporter(name: str) -> Callable[[Exporter], Exporter]:
    def register(function: Exporter) -> Exporter:
        if name in _EXPORTERS and _EXPORTERS[name] is not function:
            raise RuntimeError(f"exporter {name!r} registered twice")
        _EXPORTERS[name] = function
        return function

    return register


def registered_exporters() -> dict[str, Exporter]:
    for module in EXPORTER_MODULES:
        importlib.import_module(module)
    return dict(_EXPORTERS)


def json_file(name: str, content: Any) -> ExportFile:
    return ExportFile(
        f"{name}.json", orjson.dumps(content, option=orjson.OPT_INDENT_2, default=str)
    )


@dataclass(frozen=True)
class ExportInfo:
    id: uuid.UUID
    created_at: datetime
    expires_at: datetime
    size_bytes: int


async def check_export_rate(limiter: RateLimiter, user_id: uuid.UUID) -> None:
    await limiter.check("privacy-export", str(user_id), EXPORTS_PER_DAY, 24 * 3600)


def _folder(settings: Settings, tenant_id: uuid.UUID, user_id: uuid.UUID) -> Path:
    return settings.data_dir / "exports" / str(tenant_id) / str(user_id)


async def create_export(
    session: AsyncSession,
    settings: Settings,
    storage: MediaStorage,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    now: datetime,
) -> ExportInfo:
    """Collect every domain's files, then write the ZIP in a thread."""
    context = ExportContext(session, storage, tenant_id, user_id)
    files: list[ExportFile] = [ExportFile("README.txt", _readme(now).encode())]
    for name, function in registered_exporters().items():
        files.extend(ExportFile(f"{name}/{f.name}", f.data) for f in await function(context))
    info = ExportInfo(uuid.uuid4(), now, now + EXPORT_TTL, 0)
    folder = _folder(settings, tenant_id, user_id)
    size = await asyncio.to_thread(_write, folder, info, files)
    return ExportInfo(info.id, info.created_at, info.expires_at, size)


def _readme(now: datetime) -> str:
    return "\n\n".join(
        (
            _("Your data, as of %(when)s (UTC).") % {"when": now.isoformat(timespec="seconds")},
            _(
                "Each folder holds JSON files from one part of the service. Other people "
                "appear under an alias such as member-1, the same throughout this export; "
                "their names, photos, emails and birth dates are not included."
            ),
            _(
                "Not included: reports other members filed about you (to protect the people "
                "who report and the cases under review), the content of reports you filed "
                "about others beyond your own words, and internal fraud signals."
            ),
        )
    )


def _write(folder: Path, info: ExportInfo, files: list[ExportFile]) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{info.id}.zip"
    partial = folder / f"{info.id}.zip.part"
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            archive.writestr(item.name, item.data)
    partial.replace(target)
    meta = {"created_at": info.created_at.isoformat(), "expires_at": info.expires_at.isoformat()}
    (folder / f"{info.id}.json").write_text(json.dumps(meta))
    return target.stat().st_size


def _read_infos(folder: Path) -> list[ExportInfo]:
    infos = []
    for meta_path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        zip_path = meta_path.with_suffix(".zip")
        if not zip_path.exists():
            continue
        meta = json.loads(meta_path.read_text())
        infos.append(
            ExportInfo(
                uuid.UUID(meta_path.stem),
                datetime.fromisoformat(meta["created_at"]),
                datetime.fromisoformat(meta["expires_at"]),
                zip_path.stat().st_size,
            )
        )
    return sorted(infos, key=lambda i: i.created_at, reverse=True)


async def list_exports(
    settings: Settings, tenant_id: uuid.UUID, user_id: uuid.UUID, *, now: datetime
) -> list[ExportInfo]:
    infos = await asyncio.to_thread(_read_infos, _folder(settings, tenant_id, user_id))
    return [info for info in infos if info.expires_at > now]


async def export_path(
    settings: Settings,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID,
    export_id: uuid.UUID,
    *,
    now: datetime,
) -> Path:
    """The member's own export, while its link is valid. Only the member's folder is
    searched, so nobody else (staff included) can fetch it."""
    for info in await list_exports(settings, tenant_id, user_id, now=now):
        if info.id == export_id:
            return _folder(settings, tenant_id, user_id) / f"{export_id}.zip"
    raise NotFound(_("This export does not exist or has expired. Ask for a new one."))


def _purge(root: Path, now: datetime) -> int:
    removed = 0
    for meta_path in root.glob("*/*/*.json") if root.is_dir() else []:
        expires = datetime.fromisoformat(json.loads(meta_path.read_text())["expires_at"])
        if expires <= now:
            meta_path.with_suffix(".zip").unlink(missing_ok=True)
            meta_path.unlink(missing_ok=True)
            removed += 1
    return removed


async def purge_expired(settings: Settings, now: datetime) -> int:
    return await asyncio.to_thread(_purge, settings.data_dir / "exports", now)


async def delete_all_for(settings: Settings, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Erasure: the member's exports go with the rest of their data."""
    folder = _folder(settings, tenant_id, user_id)
    await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)

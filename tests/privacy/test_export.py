"""The member's copy of their data: everything of theirs, nobody else's, theirs alone to
download, and gone when its week is over."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from dinner1.db.types import utcnow
from dinner1.privacy import export
from dinner1.privacy.tasks import PURGE_EXPORTS_JOB
from dinner1.runtime import Runtime
from tests.fixtures.factories import bearer, create_user, login
from tests.fixtures.jobs import run_queued_jobs
from tests.privacy.people import linked_pair


async def download(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    made = await client.post("/api/v1/privacy/exports", headers=headers)
    assert made.status_code == 201, made.text
    got = await client.get(made.json()["download_url"], headers=headers)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/zip"
    assert got.headers["cache-control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(got.content))
    return {
        name: archive.read(name).decode()
        if name.endswith(".txt")
        else json.loads(archive.read(name))
        for name in archive.namelist()
    }


async def test_the_export_holds_all_of_her_data_and_none_of_his(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    world = await linked_pair(client, runtime)
    her, him = world.her, world.him
    files = await download(client, her.headers)

    expected = {
        "README.txt",
        "account/account.json",
        "account/sessions_and_activity.json",
        "profile/profile.json",
        "matches/daily_matches.json",
        "bookings/bookings.json",
        "bookings/reviews.json",
        "bookings/loyalty_points.json",
        "safety/reports_you_filed.json",
        "safety/blocks_you_made.json",
        "messages_to_you/emails.json",
        "messages_to_you/text_messages.json",
        "privacy/consents.json",
        "privacy/staff_access_to_your_data.json",
    }
    assert expected <= set(files), sorted(files)
    account = files["account/account.json"]
    assert (account["email"], account["display_name"]) == (her.email, her.name)
    assert account["phone"] == her.phone
    assert files["profile/profile.json"]["answers"] == her.answers
    assert files["account/sessions_and_activity.json"]["app_logins"]
    [match] = [m for m in files["matches/daily_matches.json"] if m["with"] == "member-1"]
    assert match["score"] > 0 and match["breakdown"]
    bookings = files["bookings/bookings.json"]
    assert {b["status"] for b in bookings} == {"checked_in", "confirmed"}
    assert any(b["note"] == "Window table for Zoubida please" for b in bookings)
    assert all(b["venue"] == "Dar Zitoun" for b in bookings)
    [review] = files["bookings/reviews.json"]
    assert review["rating"] == 5 and "Mernissi" in review["text"]
    [filed] = files["safety/reports_you_filed.json"]
    # The same alias for him everywhere in one export.
    assert filed["member"] == "member-1"
    assert filed["your_details"] == "He kept asking about my grandmother's recipes."
    [consent] = files["privacy/consents.json"]
    assert (consent["purpose"], consent["granted"]) == ("marketing_email", True)
    subjects = [e["subject"] for e in files["messages_to_you/emails.json"]]
    assert subjects and all(e["to"] == her.email for e in files["messages_to_you/emails.json"])
    assert [s["to"] for s in files["messages_to_you/text_messages.json"]] == [her.phone]

    everything = json.dumps(files, ensure_ascii=False)
    for secret in [*him.secrets(), str(him.id), him.id.hex]:
        assert secret not in everything, secret
    # His report about her is his words: not in her copy either.
    assert "Carburettor" not in everything


async def test_only_the_owner_can_list_or_download_an_export(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    owner = await create_user(runtime)
    other = await create_user(runtime)
    admin = await create_user(runtime, role="admin")
    mine = bearer(await login(client, owner.email))
    made = await client.post("/api/v1/privacy/exports", headers=mine)
    assert made.status_code == 201
    url = made.json()["download_url"]
    listed = (await client.get("/api/v1/privacy/exports", headers=mine)).json()
    assert [e["id"] for e in listed] == [made.json()["id"]]

    for intruder in (other, admin):
        headers = bearer(await login(client, intruder.email))
        assert (await client.get(url, headers=headers)).status_code == 404
        assert (await client.get("/api/v1/privacy/exports", headers=headers)).json() == []
    assert (await client.get(url)).status_code == 401
    unknown = f"/api/v1/privacy/exports/{uuid.uuid4()}"
    assert (await client.get(unknown, headers=mine)).status_code == 404
    assert (await client.get(url, headers=mine)).status_code == 200


async def test_expired_exports_are_purged_by_the_job(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    member = await create_user(runtime)
    headers = bearer(await login(client, member.email))
    old = (await client.post("/api/v1/privacy/exports", headers=headers)).json()
    fresh = (await client.post("/api/v1/privacy/exports", headers=headers)).json()
    folder = Path(runtime.settings.data_dir) / "exports" / str(member.tenant_id) / str(member.id)
    # Time travel: the first export was made eight days ago.
    meta = folder / f"{old['id']}.json"
    past = utcnow() - timedelta(days=8)
    meta.write_text(
        json.dumps(
            {
                "created_at": past.isoformat(),
                "expires_at": (past + export.EXPORT_TTL).isoformat(),
            }
        )
    )
    assert (await client.get(old["download_url"], headers=headers)).status_code == 404
    assert (folder / f"{old['id']}.zip").exists()

    await runtime.jobs.push(PURGE_EXPORTS_JOB, {})
    await run_queued_jobs(runtime)

    assert not (folder / f"{old['id']}.zip").exists() and not meta.exists()
    assert (folder / f"{fresh['id']}.zip").exists()
    listed = (await client.get("/api/v1/privacy/exports", headers=headers)).json()
    assert [e["id"] for e in listed] == [fresh["id"]]

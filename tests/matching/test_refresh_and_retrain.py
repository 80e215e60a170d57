from __future__ import annotations

import random
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dinner1.matching import refresh
from dinner1.matching.clock import local_today
from dinner1.matching.models import DailyMatch, MatchingModel
from dinner1.matching.refresh import refresh_tenant
from dinner1.matching.retrain import MIN_OUTCOMES, retrain
from dinner1.runtime import Runtime
from tests.fixtures.profiles import create_member
from tests.matching.test_daily import MAN, _tenant

DATASET = (
    Path(__file__).resolve().parents[3] / "shared" / "datasets" / "speed_dating_waves_01_14.csv"
)


@pytest.mark.parametrize(
    "path",
    ["small-community", "index-in-thread", "index-in-forked-workers"],
)
async def test_nightly_refresh_gives_everyone_reciprocal_matches_once(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    if path != "small-community":
        monkeypatch.setattr(refresh, "SMALL_COMMUNITY", 1)
    if path == "index-in-forked-workers":
        monkeypatch.setattr(refresh, "PARALLEL_FROM", 1)
        monkeypatch.setattr(refresh, "CHUNK", 3)
    women = [await create_member(runtime, name=f"W{i}") for i in range(4)]
    men = [
        await create_member(runtime, name=f"M{i}", birth=date(1990, 3, 1 + i), **MAN)
        for i in range(4)
    ]
    tenant_id, day = await _tenant(runtime), local_today("Africa/Casablanca")
    progress: list[tuple[int, int]] = []
    stats = await refresh_tenant(
        runtime.db,
        runtime.matching,
        tenant_id,
        day,
        progress=lambda done, total: progress.append((done, total)),
    )
    assert stats.members == 8 and stats.matches == 8 * 3
    assert progress[-1] == (8, 8)
    async with runtime.db.sessionmaker() as session:
        rows = (await session.execute(select(DailyMatch))).scalars().all()
    for row in rows:
        assert (row.user_id in women) == (row.candidate_id in men)  # reciprocal genders
    again = await refresh_tenant(runtime.db, runtime.matching, tenant_id, day)
    assert again.skipped == 8 and again.matches == 0


async def test_retraining_waits_for_enough_outcomes_then_versions_weights(runtime: Runtime) -> None:
    tenant_id = await _tenant(runtime)
    async with runtime.db.unit_of_work() as session:
        assert (await retrain(session, tenant_id)).trained is False
    me = await create_member(runtime)
    others = [await create_member(runtime, name=f"O{i}", **MAN) for i in range(3)]
    rng = random.Random(3)
    async with runtime.db.unit_of_work() as session:
        for i in range(MIN_OUTCOMES + 50):
            values = rng.random()
            interested = rng.random() < 0.2 + 0.6 * values
            session.add(
                DailyMatch(
                    tenant_id=tenant_id,
                    user_id=me,
                    candidate_id=others[i % 3],
                    day=date(2026, 1, 1) + timedelta(days=i),
                    rank=1,
                    score=50.0,
                    label="promising",
                    breakdown={"values": values, "interests": rng.random(), "age_fit": 0.5},
                    factors=[],
                    distance_bucket="under_5_km",
                    model_version=0,
                    outcome="interested" if interested else "pass",
                )
            )
    async with runtime.db.unit_of_work() as session:
        result = await retrain(session, tenant_id)
    assert result.trained and result.version == 1 and result.weights is not None
    assert result.weights["values"] == max(result.weights.values())  # what drove outcomes
    async with runtime.db.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(MatchingModel)) == 1
    # Matches served from now on record the model that served them.
    rebuilt = await runtime.matching.rebuild(tenant_id, date.today())
    assert rebuilt.model_version == 1
    assert rebuilt.weights == result.weights


def test_speed_dating_bench_prints_auc_json(tmp_path: Path) -> None:
    if not DATASET.exists():
        raise AssertionError(f"dataset missing at {DATASET}")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "dinner1",
            "bench",
            "speed-dating",
            "--data",
            str(DATASET),
            "--train-waves",
            "1-10",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    import json

    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["feedback_auc"] is None
    assert 0.5 < result["pre_date_auc"] < 0.7
    assert result["baseline_int_corr_auc"] < result["pre_date_auc"] + 0.05
    assert result["test_rows"] > 0 and result["train_rows"] > 0

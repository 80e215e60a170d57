"""Deal search at scale: 5,000 venues and 200,000 upcoming slots.

Measures the typical search (5 km, tonight 17:00–24:00, party of 2, halal) through the
product's own query, p50/p95 over many random centres, on SQLite and (when it answers)
PostgreSQL, beside a full-scan baseline in the same run: the same query with the
planner forbidden to use indexes. Last line: one JSON object.

    python bench/search.py [--venues 5000] [--slots 200000] [--queries 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any

import asyncpg
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.config import load_settings
from dinner1.db import migrate
from dinner1.db.engine import create_engine
from dinner1.db.session import Database
from dinner1.deals import search as searching
from dinner1.deals.models import Deal
from dinner1.deals.slots import LocalSlot, resolve
from dinner1.locale.cities import CITY_BY_KEY
from dinner1.tenants import repository as tenants
from dinner1.venues.features import FEATURES
from dinner1.venues.models import Venue

CITY_SHARE = {"casablanca": 40, "rabat": 20, "marrakech": 20, "fes": 10, "tangier": 10}
RATES = {"MAD": 1.0, "EUR": 10.8, "USD": 9.9}


def venue_rows(count: int, tenant_id: uuid.UUID, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for i in range(count):
        city = CITY_BY_KEY[rng.choices(list(CITY_SHARE), list(CITY_SHARE.values()))[0]]
        features = sum(bit for bit, _ in FEATURES.values() if rng.random() < 0.35)
        rows.append(
            {
                "id": uuid.uuid4(),
                "tenant_id": tenant_id,
                "name": f"Venue {i}",
                "category": rng.choice(["restaurant", "cafe", "tea_house"]),
                "description": {},
                "address": f"{i} Rue",
                "city": city.key,
                "lat": city.lat + rng.gauss(0, 0.05),
                "lon": city.lon + rng.gauss(0, 0.05),
                "timezone": "Africa/Casablanca",
                "currency": "MAD",
                "capacity": 60,
                "average_price_minor": rng.randint(60, 300) * 100,
                "features": features,
                "hours": {},
                "hours_exceptions": {},
                "busy_hours": {},
                "status": "approved",
                "rating_sum": 0,
                "rating_count": 0,
                "search_text": f"venue {i} {city.key}",
            }
        )
    return rows


def deal_rows(
    count: int, venues: list[dict[str, Any]], first_day: date, rng: random.Random
) -> list[dict[str, Any]]:
    rows = []
    for _ in range(count):
        venue = rng.choice(venues)
        start_hour = rng.randint(10, 22)
        slot = LocalSlot(
            first_day + timedelta(days=rng.randrange(30)),
            dtime(start_hour, 0),
            dtime(min(start_hour + 2, 23), 0),
        )
        resolved = resolve(slot, "Africa/Casablanca")
        percent = rng.choice([10, 20, 25, 30, 40, 50])
        rows.append(
            {
                "id": uuid.uuid4(),
                "tenant_id": venue["tenant_id"],
                "venue_id": venue["id"],
                "starts_at": resolved.starts_at,
                "ends_at": resolved.ends_at,
                "local_day": resolved.local_day,
                "local_start_minute": resolved.local_start_minute,
                "local_end_minute": resolved.local_end_minute,
                "seats_total": rng.randint(2, 20),
                "seats_booked": 0,
                "kind": "percent",
                "percent_off": percent,
                "currency": "MAD",
                "discount_percent": percent,
                "price_per_person_minor": venue["average_price_minor"] * (100 - percent) // 100,
                "min_party": 1,
                "max_party": 8,
                "restrictions": [],
                "offer": {},
                "status": "active",
                "posted_by": "bench",
                "extra": {},
            }
        )
    return rows


async def fill(db: Database, tenant_id: uuid.UUID, venues: int, slots: int, day: date) -> None:
    rng = random.Random(2026)
    vrows = venue_rows(venues, tenant_id, rng)
    drows = deal_rows(slots, vrows, day, rng)
    async with db.unit_of_work() as session:
        await session.execute(insert(Venue), vrows)
        for start in range(0, len(drows), 10_000):
            await session.execute(insert(Deal), drows[start : start + 10_000])
    async with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            await connection.exec_driver_sql("ANALYZE")
        else:
            await connection.exec_driver_sql("ANALYZE")
        await connection.commit()


def typical(tenant_id: uuid.UUID, day: date, rng: random.Random) -> searching.SearchQuery:
    city = CITY_BY_KEY[rng.choices(list(CITY_SHARE), list(CITY_SHARE.values()))[0]]
    return searching.SearchQuery(
        tenant_id=tenant_id,
        day=day,
        lat=city.lat + rng.gauss(0, 0.03),
        lon=city.lon + rng.gauss(0, 0.03),
        radius_km=5,
        from_minute=17 * 60,
        to_minute=24 * 60,
        party=2,
        features=("halal",),
    )


async def timed(
    session: AsyncSession, queries: list[searching.SearchQuery], now: datetime, full_scan: bool
) -> tuple[list[float], int]:
    dialect = session.get_bind().dialect.name
    timings, results = [], 0
    for query in queries:
        started = time.perf_counter()
        if full_scan and dialect == "postgresql":
            await session.execute(text("SET LOCAL enable_indexscan = off"))
            await session.execute(text("SET LOCAL enable_bitmapscan = off"))
        if full_scan and dialect == "sqlite":
            statement = searching.build(query, dialect, now, RATES).with_hint(
                Deal, "NOT INDEXED", "sqlite"
            )
            rows = (await session.execute(statement)).all()[: query.per_page]
        else:
            found, _ = await searching.search(session, query, RATES, now=now)
            rows = found  # type: ignore[assignment]
        timings.append((time.perf_counter() - started) * 1000)
        results += len(rows)
    return timings, results


async def measure(database_url: str | None, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dinner1-bench-search-") as folder:
        os.environ["DINNER1_DATA_DIR"] = folder
        os.environ.pop("DATABASE_URL", None)
        if database_url:
            os.environ["DATABASE_URL"] = database_url
        settings = load_settings()
        await asyncio.to_thread(migrate.upgrade, settings)
        db = Database(create_engine(settings))
        async with db.sessionmaker() as session:
            tenant = await tenants.get_default(session)
            assert tenant is not None
        day = datetime.now(UTC).date() + timedelta(days=1)
        started = time.perf_counter()
        await fill(db, tenant.id, args.venues, args.slots, day)
        fill_s = time.perf_counter() - started
        rng = random.Random(7)
        queries = [
            typical(tenant.id, day + timedelta(days=rng.randrange(7)), rng)
            for _ in range(args.queries)
        ]
        now = datetime.now(UTC)
        async with db.sessionmaker() as session:
            await timed(session, queries[:20], now, False)  # warm caches
            indexed, hits = await timed(session, queries, now, False)
            await session.rollback()
            scan, scan_hits = await timed(session, queries[: args.queries // 4], now, True)
            await session.rollback()
        await db.dispose()
    p95 = statistics.quantiles(indexed, n=20)[-1]
    scan_p95 = statistics.quantiles(scan, n=20)[-1]
    return {
        "database": "postgresql" if database_url else "sqlite",
        "venues": args.venues,
        "slots": args.slots,
        "fill_s": round(fill_s, 1),
        "queries": len(indexed),
        "p50_ms": round(statistics.median(indexed), 2),
        "p95_ms": round(p95, 2),
        "full_scan_p50_ms": round(statistics.median(scan), 2),
        "full_scan_p95_ms": round(scan_p95, 2),
        "speedup_p95": round(scan_p95 / p95, 1),
        "mean_results": round(hits / len(indexed), 1),
        "scan_mean_results": round(scan_hits / max(len(scan), 1), 1),
    }


async def postgres_database(base: str) -> str | None:
    name = f"dinner1_bench_search_{uuid.uuid4().hex[:8]}"
    try:
        connection = await asyncpg.connect(base, timeout=3)
    except (OSError, asyncpg.PostgresError):
        return None
    await connection.execute(f'CREATE DATABASE "{name}"')
    await connection.close()
    return base.rsplit("/", 1)[0] + "/" + name


async def drop(base: str, url: str) -> None:
    connection = await asyncpg.connect(base)
    await connection.execute(f'DROP DATABASE "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    await connection.close()


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    results = [await measure(None, args)]
    url = await postgres_database(args.postgres)
    if url is not None:
        try:
            results.append(await measure(url, args))
        finally:
            await drop(args.postgres, url)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--venues", type=int, default=5000)
    parser.add_argument("--slots", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    for r in results:
        print(
            f"{r['database']:10} p50 {r['p50_ms']:6.2f} ms  p95 {r['p95_ms']:6.2f} ms "
            f"(target < 50)  | full scan p50 {r['full_scan_p50_ms']:7.2f} ms  p95 "
            f"{r['full_scan_p95_ms']:7.2f} ms  | ×{r['speedup_p95']} | "
            f"{r['mean_results']} results per search"
        )
    print(json.dumps({"results": results}))


if __name__ == "__main__":
    main()

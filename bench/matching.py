"""Daily-match generation at scale: 100,000 synthetic members in a real database.

Builds a SQLite (or, with --postgres URL, PostgreSQL) database through the migrations,
fills it with synthetic profiles and embeddings, then measures in one run:

1. generation of one member's daily matches through the product's own code path
   (retrieval index with the dealbreaker facts → the short list's rows read and checked
   again → full scoring → diversity), p50/p95;
2. the baseline for the same members: an exact numpy brute-force cosine top-10 over
   every member's vector, and the ratio of generation's p95 to the baseline's p50;
3. recall@10 of the index's retrieval against the exact top-10 among the members that
   pass every hard filter, with how many queries each plan (exact or graph) served;
4. how long the next process takes to load the saved index instead of building it;
5. the nightly refresh of the whole population, with a progress bar;
6. sentence-embedding throughput of the shipped model as served (ONNX Runtime) and, as
   the baseline, through torch, on the same texts, beside this CPU's measured fp32
   matrix-product speed.

    python bench/matching.py [--members 100000] [--queries 200] [--skip-refresh]
        [--exact-limit N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from rich.progress import Progress
from sqlalchemy import insert

from dinner1.accounts.models import User
from dinner1.config import load_settings
from dinner1.core.geo import distance_km, snap
from dinner1.db import migrate
from dinner1.db.engine import create_engine
from dinner1.db.session import Database
from dinner1.locale.cities import CITIES
from dinner1.matching import dealbreakers, embeddings, repository
from dinner1.matching import index as matching_index
from dinner1.matching.clock import local_today
from dinner1.matching.engine import MatchingEngine
from dinner1.matching.refresh import refresh_tenant
from dinner1.matching.service import generate_daily
from dinner1.matching.vectors import retrieval_vector
from dinner1.profiles import taxonomy as tx
from dinner1.profiles.models import Profile, SoulEmbedding
from dinner1.tenants import repository as tenants

TOPICS = 40
# Embedding throughput: rounds of each encoder, alternating, to spread the noise.
ROUNDS = 2
CITY_WEIGHTS = {
    "casablanca": 40,
    "rabat": 20,
    "marrakech": 15,
    "fes": 10,
    "tangier": 10,
    "agadir": 5,
}


def synthetic_rows(
    count: int, tenant_id: uuid.UUID, today: date, seed: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    centroids = np_rng.normal(size=(TOPICS, embeddings.DIMENSIONS)).astype(np.float32)
    cities = {c.key: c for c in CITIES}
    interests = [c.key for c in tx.INTERESTS]
    values = [c.key for c in tx.VALUES]
    goals = [c.key for c in tx.LIFE_GOALS]
    users, profiles, vectors = [], [], []
    for i in range(count):
        user_id = uuid.uuid4()
        age = int(np.clip(np_rng.normal(31, 7), 19, 60))
        gender_bit = 1 if i % 2 == 0 else 2
        city = cities[rng.choices(list(CITY_WEIGHTS), list(CITY_WEIGHTS.values()))[0]]
        cell = snap(city.lat + rng.gauss(0, 0.08), city.lon + rng.gauss(0, 0.08))
        topic = centroids[rng.randrange(TOPICS)]
        vector = topic + np_rng.normal(scale=1.2, size=embeddings.DIMENSIONS).astype(np.float32)
        vector /= np.linalg.norm(vector)
        users.append(
            {
                "id": user_id,
                "tenant_id": tenant_id,
                "email": f"m{i}@bench.example.com",
                "password_hash": "x",
                "display_name": f"M{i}",
                "date_of_birth": today - timedelta(days=age * 365 + rng.randrange(365)),
                "role": "member",
                "is_active": True,
                "token_version": 1,
            }
        )
        profiles.append(
            {
                "id": uuid.uuid4(),
                "tenant_id": tenant_id,
                "user_id": user_id,
                "gender": "woman" if gender_bit == 1 else "man",
                "gender_bit": gender_bit,
                "seeking_mask": 3 - gender_bit if rng.random() > 0.05 else 3,
                "age_min": max(18, age - rng.randint(3, 8)),
                "age_max": age + rng.randint(3, 10),
                "max_distance_km": rng.choice([10, 25, 50, 100]),
                "city": city.key,
                "geocell": cell.geohash,
                "cell_lat": cell.lat,
                "cell_lon": cell.lon,
                "languages": ["darija", "fr"],
                "relationship_goal": rng.choice(
                    ["marriage", "long_term", "open", "friendship_first"]
                ),
                "diet": ["halal"],
                "religion": rng.choices(["muslim", "none"], [9, 1])[0],
                "religion_importance": rng.choices([0, 1, 2, 3], [2, 3, 4, 1])[0],
                "smoking": rng.choices(["never", "sometimes"], [8, 2])[0],
                "drinking": rng.choices(["never", "socially"], [8, 2])[0],
                "has_children": rng.choices(["no", "yes"], [9, 1])[0],
                "wants_children": rng.choices(["wants", "open", "does_not_want"], [6, 3, 1])[0],
                "dealbreakers": [],
                "dealbreaker_mask": 0,
                "values_ranked": rng.sample(values, 4),
                "interests": rng.sample(interests, 6),
                "custom_interests": [],
                "communication_style": rng.choice([c.key for c in tx.COMMUNICATION_STYLES]),
                "love_language": rng.choice([c.key for c in tx.LOVE_LANGUAGES]),
                "lifestyle": {q: rng.choice(c).key for q, c in tx.LIFESTYLE.items()},
                "life_goals": rng.sample(goals, 3),
                "steps_done": [],
                "paused": False,
                "discoverable": True,
                "onboarding_completed_at": None,
            }
        )
        vectors.append(
            {
                "id": uuid.uuid4(),
                "tenant_id": tenant_id,
                "user_id": user_id,
                "model": embeddings.MODEL_NAME,
                "text_digest": "synthetic",
                "vector": embeddings.to_bytes(vector),
            }
        )
    return users, profiles, vectors


async def build_database(db: Database, tenant_id: uuid.UUID, members: int, today: date) -> None:
    users, profiles, vectors = synthetic_rows(members, tenant_id, today, seed=2026)
    with Progress(transient=True) as bar:
        task = bar.add_task("inserting synthetic members", total=members)
        for start in range(0, members, 5000):
            async with db.unit_of_work() as session:
                for model, rows in ((User, users), (Profile, profiles), (SoulEmbedding, vectors)):
                    await session.execute(insert(model), rows[start : start + 5000])
            bar.update(task, completed=min(start + 5000, members))


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


@dataclass
class Population:
    """Every discoverable member's traits and retrieval vector, for the baseline."""

    everyone: dict[uuid.UUID, Any]
    ids: list[uuid.UUID]
    matrix: np.ndarray


async def population(
    db: Database, engine: MatchingEngine, tenant_id: uuid.UUID, today: date
) -> Population:
    state = await engine.for_tenant(tenant_id, today)
    async with db.reading() as session:
        everyone = {
            m.id: m for m in await repository.discoverable_traits(session, tenant_id, today)
        }
    ids = list(everyone)
    matrix = np.stack([retrieval_vector(everyone[i], state.rarity) for i in ids])
    return Population(everyone, ids, matrix)


def brute_force_ms(people: Population, vector: np.ndarray) -> float:
    """The baseline: an exact cosine top-10 over every member's vector."""
    started = time.perf_counter()
    similarities = people.matrix @ vector
    np.argpartition(-similarities, 10)[:10]
    return (time.perf_counter() - started) * 1000


async def measure_generation(
    db: Database,
    engine: MatchingEngine,
    tenant_id: uuid.UUID,
    today: date,
    queries: list[uuid.UUID],
) -> list[float]:
    timings = []
    for user_id in queries:
        started = time.perf_counter()
        async with db.unit_of_work() as session:
            await generate_daily(session, engine, tenant_id, user_id, today)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


async def measure_recall(
    engine: MatchingEngine,
    tenant_id: uuid.UUID,
    today: date,
    queries: list[uuid.UUID],
    people: Population,
) -> tuple[float, dict[str, float]]:
    """Recall@10 of retrieval vs the exact cosine top-10 among all eligible members."""
    state = await engine.for_tenant(tenant_id, today)
    everyone, ids = people.everyone, people.ids
    recalls: list[float] = []
    plans: dict[str, int] = {}
    by_plan: dict[str, list[float]] = {}
    for user_id in queries:
        me = everyone[user_id]
        vector = retrieval_vector(me, state.rarity)
        similarities = people.matrix @ vector
        order = np.argsort(-similarities)
        exact = []
        for j in order:
            other = everyone[ids[j]]
            km = distance_km(me.cell_lat, me.cell_lon, other.cell_lat, other.cell_lon)
            if other.id != me.id and dealbreakers.compatible(me, other, km):
                exact.append(other.id)
                if len(exact) == 10:
                    break
        hits, plan = state.index.nearest(me, vector, 10, today)
        plans[plan] = plans.get(plan, 0) + 1
        # The index's facts are a superset filter: the exact rules decide, as in service.
        found = [
            h.user_id
            for h in hits
            if dealbreakers.compatible(
                me,
                everyone[h.user_id],
                distance_km(
                    me.cell_lat,
                    me.cell_lon,
                    everyone[h.user_id].cell_lat,
                    everyone[h.user_id].cell_lon,
                ),
            )
        ][:10]
        if exact:
            recalls.append(len(set(found) & set(exact)) / len(exact))
            by_plan.setdefault(plan, []).append(recalls[-1])
    summary = {f"{plan}_queries": float(n) for plan, n in sorted(plans.items())}
    for plan, values in sorted(by_plan.items()):
        summary[f"{plan}_recall_at_10"] = round(statistics.mean(values), 4)
    return statistics.mean(recalls), summary


def embedding_throughput(count: int, batch_size: int) -> dict[str, Any]:
    """Sentences/s of the served encoder and of torch (the baseline) on the same texts,
    alternating rounds; one text's latency (an answer saved); the lowest cosine between
    their vectors."""
    rng = random.Random(1)
    words = (
        "slow evening tea rooftop book sunset family honesty travel laugh cooking music "
        "mountains sea kindness patience learning garden friends walk medina"
    ).split()
    texts = [" ".join(rng.choices(words, k=rng.randint(12, 30))) for _ in range(count)]
    encoders = {
        "served": embeddings.load_model(),
        "torch": embeddings.TorchEncoder(embeddings.model_dir()),
    }
    elapsed = dict.fromkeys(encoders, 0.0)
    vectors = {}
    for _ in range(ROUNDS):
        for role, encoder in encoders.items():
            encoder.encode(texts[:64], batch_size)  # warm up
            started = time.perf_counter()
            vectors[role] = encoder.encode(texts, batch_size)
            elapsed[role] += time.perf_counter() - started
    rate = {role: ROUNDS * count / seconds for role, seconds in elapsed.items()}
    single = {role: one_text_ms(encoder, texts[:200]) for role, encoder in encoders.items()}
    return {
        "backend": encoders["served"].backend,
        "sentences_per_second": round(rate["served"], 1),
        "torch_sentences_per_second": round(rate["torch"], 1),
        "speedup_over_torch": round(rate["served"] / rate["torch"], 2),
        "one_text_p50_ms": round(single["served"], 2),
        "torch_one_text_p50_ms": round(single["torch"], 2),
        "min_cosine_to_torch": round(
            float(np.min(np.sum(vectors["served"] * vectors["torch"], axis=1))), 6
        ),
        "sentences": count,
        "rounds": ROUNDS,
        "batch_size": batch_size,
        "threads": encoders["served"].threads,
        "matmul_gflops": round(matmul_gflops(batch_size), 1),
    }


def one_text_ms(encoder: embeddings.Encoder, texts: list[str]) -> float:
    timings = []
    for text in texts:
        started = time.perf_counter()
        encoder.encode([text], 1)
        timings.append((time.perf_counter() - started) * 1000)
    return percentile(timings, 50)


def matmul_gflops(batch_size: int) -> float:
    """This CPU's fp32 matrix products of the model's own feed-forward shape (a batch of
    ~40-token texts through 384 → 1536), in GFLOP/s: the machine's baseline in this run."""
    import torch

    tokens, left, right = batch_size * 40, torch.randn(batch_size * 40, 384), torch.randn(384, 1536)
    left @ right
    started = time.perf_counter()
    for _ in range(50):
        left @ right
    return 2 * tokens * 384 * 1536 * 50 / (time.perf_counter() - started) / 1e9


async def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dinner1-bench-matching-") as folder:
        os.environ["DINNER1_DATA_DIR"] = folder
        if args.postgres:
            os.environ["DATABASE_URL"] = args.postgres
        settings = load_settings()
        await asyncio.to_thread(migrate.upgrade, settings)
        db = Database(create_engine(settings))
        await db.open_fast_reader(settings)
        today = local_today(settings.locale.default_timezone)
        async with db.sessionmaker() as session:
            tenant = await tenants.get_default(session)
            assert tenant is not None
            tenant_id = tenant.id
        started = time.perf_counter()
        await build_database(db, tenant_id, args.members, today)
        load_s = time.perf_counter() - started
        # Fresh statistics, as after any bulk load (autovacuum would get there too).
        async with db.engine.connect() as connection:
            await connection.exec_driver_sql("ANALYZE")
            await connection.commit()
        engine = MatchingEngine(db, Path(folder) / "matching")
        started = time.perf_counter()
        await engine.for_tenant(tenant_id, today)
        index_s = time.perf_counter() - started
        async with db.sessionmaker() as session:
            ids = [m.id for m in await repository.discoverable_traits(session, tenant_id, today)]
        # The next process to start loads the saved index instead of building it.
        started = time.perf_counter()
        await MatchingEngine(db, Path(folder) / "matching").for_tenant(tenant_id, today)
        reload_s = time.perf_counter() - started
        sample = random.Random(7).sample(ids, args.queries + 10)
        queries, warm_up = sample[: args.queries], sample[args.queries :]
        await measure_generation(db, engine, tenant_id, today, warm_up)  # warm caches
        timings = await measure_generation(db, engine, tenant_id, today, queries)
        # The baseline's copy of everyone is read after: no server holds one.
        people = await population(db, engine, tenant_id, today)
        state = await engine.for_tenant(tenant_id, today)
        brute_ms = [
            brute_force_ms(people, retrieval_vector(people.everyone[user_id], state.rarity))
            for user_id in queries
        ]
        recall, plans = await measure_recall(engine, tenant_id, today, queries, people)
        result: dict[str, Any] = {
            "members": args.members,
            "database": "postgresql" if args.postgres else "sqlite",
            "insert_s": round(load_s, 1),
            "index_build_s": round(index_s, 1),
            "index_load_s": round(reload_s, 1),
            "generate_p50_ms": round(percentile(timings, 50), 2),
            "generate_p95_ms": round(percentile(timings, 95), 2),
            "brute_force_p50_ms": round(percentile(brute_ms, 50), 2),
            "brute_force_p95_ms": round(percentile(brute_ms, 95), 2),
            # Generation per member in units of the same run's exact scan of everyone.
            "generate_p95_over_brute_force_p50": round(
                percentile(timings, 95) / percentile(brute_ms, 50), 2
            ),
            "recall_at_10": round(recall, 4),
            "queries": len(queries),
            "retrieval_plans": plans,
            "exact_limit": matching_index.EXACT_LIMIT,
        }
        if not args.skip_refresh:
            with Progress() as bar:
                task = bar.add_task("nightly refresh", total=args.members)
                started = time.perf_counter()
                stats = await refresh_tenant(
                    db,
                    engine,
                    tenant_id,
                    today + timedelta(days=2),
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
                result["refresh_s"] = round(time.perf_counter() - started, 1)
                result["refresh_matches"] = stats.matches
        await db.dispose()
    result["embedding"] = embedding_throughput(args.sentences, args.batch_size)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--postgres", default=None, help="a fresh PostgreSQL database URL")
    parser.add_argument("--skip-refresh", action="store_true")
    parser.add_argument(
        "--exact-limit",
        type=int,
        default=None,
        help="rank exactly up to this many eligible members (0: always walk the graph)",
    )
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    if args.exact_limit is not None:
        matching_index.EXACT_LIMIT = args.exact_limit
    result = asyncio.run(run(args))
    print(
        f"members {result['members']} on {result['database']}: generation p50 "
        f"{result['generate_p50_ms']} ms, p95 {result['generate_p95_ms']} ms (target < 30); "
        f"exact brute force for the same members p50 {result['brute_force_p50_ms']} ms "
        f"(p95 / brute p50 = {result['generate_p95_over_brute_force_p50']}); recall@10 "
        f"{result['recall_at_10']} (target ≥ 0.95); retrieval plans {result['retrieval_plans']}"
    )
    if "refresh_s" in result:
        print(
            f"nightly refresh: {result['refresh_s']} s for {result['members']} members "
            f"(target < 600 s)"
        )
    embedding = result["embedding"]
    print(
        f"embedding: {embedding['sentences_per_second']} sentences/s on "
        f"{embedding['backend']} (batch {embedding['batch_size']}, {embedding['threads']} "
        f"threads), torch {embedding['torch_sentences_per_second']}/s in the same run: "
        f"×{embedding['speedup_over_torch']}; one text p50 {embedding['one_text_p50_ms']} ms "
        f"(torch {embedding['torch_one_text_p50_ms']} ms); lowest cosine between them "
        f"{embedding['min_cosine_to_torch']}; this CPU's fp32 matrix products: "
        f"{embedding['matmul_gflops']} GFLOP/s"
    )
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""HTTP baseline: Dinner1's authenticated `GET /api/v1/me` against a bare Starlette route.

Each runs as one server process on loopback and takes the same load from wrk (64
connections, 10 s by default). Dinner1 is measured on SQLite and, when it answers, on
PostgreSQL. The targets are measured in interleaved rounds (a, b, b', a, b, b', ...) so a
slow phase of a noisy machine hits all of them; the medians are printed with the ratio
(b)/(a), and the last line is one JSON object with every figure.

    python bench/http_baseline.py [--duration 10] [--connections 64] [--rounds 3]

Needs `wrk` (Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "quiet hours passphrase"  # noqa: S105 - a throwaway bench account
EMAIL = "bench@example.com"


@dataclass
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server for {url} exited")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def parse_duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(text)
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(
    name: str, url: str, headers: dict[str, str], duration: int, connections: int
) -> Result:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    for key, value in headers.items():
        command[1:1] = ["-H", f"{key}: {value}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = parse_duration_ms(re.search(r"\s50%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    p99 = parse_duration_ms(re.search(r"\s99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Result(name, rps, p50, p99, errors, total)


def uvicorn_command(app: str, port: int) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
    ]
    return command


@dataclass
class Target:
    name: str
    url: str
    headers: dict[str, str]
    process: subprocess.Popen[bytes]


def start_bare() -> Target:
    port = free_port()
    process = subprocess.Popen(
        uvicorn_command("bare_app:app", port),
        cwd=ROOT / "bench",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v1/me"
    wait_up(url, process)
    return Target("(a) bare Starlette JSON route", url, {}, process)


def dinner1(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "dinner1", "--log-level", "WARNING", *args],
        env=env,
        check=True,
        capture_output=True,
    )


def start_dinner1(name: str, env: dict[str, str]) -> Target:
    dinner1("migrate", env=env)
    dinner1(
        "admin",
        "create",
        "--email",
        EMAIL,
        "--password",
        PASSWORD,
        "--role",
        "venue_owner",
        env=env,
    )
    port = free_port()
    # Served exactly as `make run` serves it: `dinner1 serve`, one process, INFO logs.
    process = subprocess.Popen(
        [sys.executable, "-m", "dinner1", "serve", "--port", str(port), "--no-migrate"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_up(base + "/healthz", process)
    login = httpx.post(base + "/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    login.raise_for_status()
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    httpx.get(base + "/api/v1/me", headers=headers).raise_for_status()
    return Target(name, base + "/api/v1/me", headers, process)


def base_env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DINNER1_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(DINNER1_DATA_DIR=str(data_dir), DINNER1_LOG_LEVEL="INFO")
    return env


async def postgres_available(url: str) -> bool:
    try:
        connection = await asyncpg.connect(url, timeout=3)
    except (OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


async def admin_sql(url: str, sql: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")

    targets: list[Target] = []
    database: str | None = None
    with tempfile.TemporaryDirectory(prefix="dinner1-bench-") as tmp:
        try:
            targets.append(start_bare())
            targets.append(
                start_dinner1("(b) Dinner1 GET /api/v1/me, SQLite", base_env(Path(tmp) / "sqlite"))
            )
            if asyncio.run(postgres_available(args.postgres)):
                database = f"dinner1_bench_{uuid.uuid4().hex[:8]}"
                asyncio.run(admin_sql(args.postgres, f'CREATE DATABASE "{database}"'))
                env = base_env(Path(tmp) / "pg")
                env["DATABASE_URL"] = args.postgres.rsplit("/", 1)[0] + "/" + database
                targets.append(start_dinner1("(b) Dinner1 GET /api/v1/me, PostgreSQL", env))
            for target in targets:
                run_wrk("warm-up", target.url, target.headers, 3, args.connections)
            # Rounds interleave the targets so slow phases of a noisy machine hit all alike.
            rounds: list[list[Result]] = []
            for _ in range(args.rounds):
                rounds.append(
                    [
                        run_wrk(t.name, t.url, t.headers, args.duration, args.connections)
                        for t in targets
                    ]
                )
        finally:
            for target in targets:
                target.process.terminate()
                target.process.wait()
            if database is not None:
                asyncio.run(admin_sql(args.postgres, f'DROP DATABASE "{database}" WITH (FORCE)'))
    report(targets, rounds, args)


def report(targets: list[Target], rounds: list[list[Result]], args: argparse.Namespace) -> None:
    summary = []
    for index, target in enumerate(targets):
        runs = [round_[index] for round_ in rounds]
        ratios = [
            run.requests_per_second / round_[0].requests_per_second
            for run, round_ in zip(runs, rounds, strict=True)
        ]
        summary.append(
            {
                "name": target.name,
                "requests_per_second": round(
                    statistics.median([r.requests_per_second for r in runs]), 1
                ),
                "p50_ms": round(statistics.median([r.p50_ms for r in runs]), 2),
                "p99_ms": round(statistics.median([r.p99_ms for r in runs]), 2),
                "worst_p99_ms": round(max(r.p99_ms for r in runs), 2),
                "errors": sum(r.errors for r in runs),
                "ratio_to_bare": round(statistics.median(ratios), 4),
                "ratio_per_round": [round(r, 4) for r in ratios],
            }
        )
    header = f"{'':42} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'(b)/(a)':>8}"
    print(
        f"median of {args.rounds} interleaved rounds, wrk -t2 -c{args.connections} "
        f"-d{args.duration}s, {os.cpu_count()} CPUs"
    )
    print(header)
    for row in summary:
        print(
            f"{row['name']:42} {row['requests_per_second']:8.0f} {row['p50_ms']:7.1f} "
            f"{row['p99_ms']:7.1f} {row['errors']:6d} {row['ratio_to_bare']:8.1%}"
        )
    print(
        json.dumps(
            {
                "connections": args.connections,
                "duration_s": args.duration,
                "rounds": args.rounds,
                "cpus": os.cpu_count(),
                "results": summary,
            }
        )
    )


if __name__ == "__main__":
    main()

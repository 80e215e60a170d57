"""A real Dinner1 server in a subprocess and a real Chromium, driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.fixtures.databases import PostgresTemplate, postgres_base_url

T = TypeVar("T")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ADMIN_EMAIL = "browser-admin@example.com"
ADMIN_PASSWORD = "browser admin passphrase"


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _dinner1() -> list[str]:
    return [sys.executable, "-m", "dinner1", "--log-level", "WARNING"]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("live")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DINNER1_")}
    env.update(DINNER1_DATA_DIR=str(data_dir), DINNER1_ENV="test")
    database: PostgresTemplate | None = None
    base = postgres_base_url()
    if base is not None:
        # Playwright's sync API may already run an event loop in this thread.
        database = _in_thread(lambda: PostgresTemplate(base))
        env["DATABASE_URL"] = database.url
    else:
        env.pop("DATABASE_URL", None)
    subprocess.run([*_dinner1(), "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*_dinner1(), "admin", "create", "--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD],
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen(
        [*_dinner1(), "serve", "--port", str(port), "--migrate"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield LiveServer(url=url, env=env)
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        if database is not None:
            _in_thread(database.drop)


def _in_thread(work: Callable[[], T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not start within 60 s")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `apt-get install -y chromium` (make test does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    result = context.new_page()
    console_errors: list[str] = []
    result.on(
        "console",
        lambda m: (
            console_errors.append(f"{m.text} at {m.location.get('url')}")
            if m.type == "error"
            else None
        ),
    )
    yield result
    context.close()
    # A CSP violation or a script error shows up here.
    assert not console_errors, console_errors


def read_outbox(server: LiveServer, to: str) -> list[dict[str, str]]:
    with httpx.Client(base_url=server.url) as client:
        tokens = client.post(
            "/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        ).json()
        response = client.get(
            "/api/v1/admin/outbox",
            params={"to": to},
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        response.raise_for_status()
        emails: list[dict[str, str]] = response.json()
        return emails

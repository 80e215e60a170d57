from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI

from dinner1.app import create_app
from dinner1.config import Settings
from dinner1.mail.models import OutboxStatus
from dinner1.runtime import Runtime
from tests.fixtures.factories import PASSWORD, outbox_for, unique_email
from tests.fixtures.jobs import run_queued_jobs


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def test_email_is_delivered_by_smtp_after_commit(
    settings: Settings, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    settings.mail.smtp_host = "127.0.0.1"
    settings.mail.smtp_port = port
    settings.mail.smtp_starttls = False
    app: FastAPI = create_app(settings)
    async with app.router.lifespan_context(app):
        runtime: Runtime = app.state.runtime
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            email = unique_email()
            response = await client.post(
                "/api/v1/auth/register",
                json={
                    "email": email,
                    "password": PASSWORD,
                    "date_of_birth": "1991-05-05",
                    "display_name": "Omar",
                    "locale": "fr",
                },
            )
            assert response.status_code == 202
            await run_queued_jobs(runtime)
            for _ in range(50):
                if inbox.messages:
                    break
                await asyncio.sleep(0.05)
        [stored] = await outbox_for(runtime, email)
    assert stored.status == OutboxStatus.SENT
    [message] = inbox.messages
    assert message["To"] == email
    assert "Confirmez" in message["Subject"] or "e-mail" in message["Subject"]
    assert "/verify-email?token=" in message.get_payload(decode=True).decode()


async def test_unreachable_smtp_keeps_the_email_pending_for_retry(settings: Settings) -> None:
    settings.mail.smtp_host = "127.0.0.1"
    settings.mail.smtp_port = free_port()  # nothing listens here
    settings.mail.smtp_starttls = False
    app: FastAPI = create_app(settings)
    async with app.router.lifespan_context(app):
        runtime: Runtime = app.state.runtime
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            email = unique_email()
            await client.post(
                "/api/v1/auth/register",
                json={
                    "email": email,
                    "password": PASSWORD,
                    "date_of_birth": "1991-05-05",
                    "display_name": "Omar",
                },
            )
            await run_queued_jobs(runtime, timeout=5)
        [stored] = await outbox_for(runtime, email)
    assert stored.status == OutboxStatus.PENDING
    assert stored.attempts >= 1
    assert stored.last_error


async def test_without_smtp_mail_is_held_in_the_outbox(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    email = unique_email()
    await client.post(
        "/api/v1/auth/register",
        json={
            "email": email,
            "password": PASSWORD,
            "date_of_birth": "1991-05-05",
            "display_name": "O",
        },
    )
    [stored] = await outbox_for(runtime, email)
    assert stored.status == OutboxStatus.HELD

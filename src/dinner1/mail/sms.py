"""Text messages (verification codes) through a pluggable backend.

Every SMS is written to the `outbox_sms` table in the transaction that causes it, number
and body encrypted. The console backend (the default, and the only one so far) leaves
it there with status "held", where operators and tests read it; a gateway backend would
deliver it after commit and mark it sent. Numbers and bodies are never logged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.config import Settings
from dinner1.mail.models import OutboxSms, OutboxStatus


@dataclass(frozen=True)
class SmsMessage:
    tenant_id: uuid.UUID
    user_id: uuid.UUID | None
    to_number: str
    body: str
    kind: str


class SmsBackend(Protocol):
    async def send(self, session: AsyncSession, message: SmsMessage) -> OutboxSms: ...


class ConsoleSmsBackend:
    """Keeps every message in the outbox, unsent: the embedded setup and tests."""

    async def send(self, session: AsyncSession, message: SmsMessage) -> OutboxSms:
        row = OutboxSms(
            tenant_id=message.tenant_id,
            user_id=message.user_id,
            kind=message.kind,
            to_number=message.to_number,
            body=message.body,
            status=OutboxStatus.HELD,
        )
        session.add(row)
        await session.flush()
        return row


BACKENDS: dict[str, SmsBackend] = {"console": ConsoleSmsBackend()}


def backend_for(settings: Settings) -> SmsBackend:
    return BACKENDS[settings.safety.sms_backend]


async def send_sms(
    session: AsyncSession,
    settings: Settings,
    *,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID | None,
    to_number: str,
    body: str,
    kind: str,
) -> OutboxSms:
    message = SmsMessage(tenant_id, user_id, to_number, body, kind)
    return await backend_for(settings).send(session, message)

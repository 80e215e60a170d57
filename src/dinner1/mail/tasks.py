from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from dinner1.core.jobs import job
from dinner1.mail import service

if TYPE_CHECKING:
    from dinner1.runtime import Runtime


class DeliveryDeferred(RuntimeError):
    """The SMTP server did not take the message this time; the job is retried."""


SWEEP_JOB = "mail.sweep"


@job(SWEEP_JOB, max_attempts=1)
async def sweep_pending(runtime: Runtime, payload: dict[str, Any]) -> None:
    """Re-queue deliveries lost between commit and broker (at-least-once delivery)."""
    if runtime.settings.mail.smtp_host is None:
        return
    async with runtime.db.sessionmaker() as session:
        stale = await service.pending_older_than(session, minutes=5)
    for outbox_id in stale:
        await runtime.jobs.push(service.DELIVER_JOB, {"outbox_id": str(outbox_id)})


@job(service.DELIVER_JOB, max_attempts=service.MAX_DELIVERY_ATTEMPTS)
async def deliver_email(runtime: Runtime, payload: dict[str, Any]) -> None:
    async with runtime.db.unit_of_work() as session:
        done = await service.deliver(
            session, runtime.settings.mail, uuid.UUID(payload["outbox_id"])
        )
    if not done:
        raise DeliveryDeferred(payload["outbox_id"])

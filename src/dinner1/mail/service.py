"""Email goes through a transactional outbox: written with the change that causes it,
delivered by SMTP after commit when SMTP is configured, otherwise kept for reading."""

from __future__ import annotations

import uuid
from datetime import timedelta
from email.message import EmailMessage

import aiosmtplib
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.config import MailSettings
from dinner1.db.session import enqueue_job
from dinner1.db.types import utcnow
from dinner1.mail.models import OutboxEmail, OutboxStatus

DELIVER_JOB = "mail.deliver"
MAX_DELIVERY_ATTEMPTS = 5


async def queue_email(
    session: AsyncSession,
    mail_settings: MailSettings,
    *,
    tenant_id: uuid.UUID,
    to_address: str,
    subject: str,
    text_body: str,
    kind: str,
    user_id: uuid.UUID | None = None,
    html_body: str | None = None,
) -> OutboxEmail:
    smtp = mail_settings.smtp_host is not None
    email = OutboxEmail(
        tenant_id=tenant_id,
        user_id=user_id,
        kind=kind,
        to_address=to_address,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        status=OutboxStatus.PENDING if smtp else OutboxStatus.HELD,
    )
    session.add(email)
    await session.flush()
    if smtp:
        enqueue_job(session, DELIVER_JOB, {"outbox_id": str(email.id)})
    return email


async def list_outbox(
    session: AsyncSession, tenant_id: uuid.UUID, *, to_address: str | None, limit: int
) -> list[OutboxEmail]:
    query = select(OutboxEmail).where(OutboxEmail.tenant_id == tenant_id)
    if to_address:
        query = query.where(OutboxEmail.to_address == to_address.strip().lower())
    query = query.order_by(OutboxEmail.created_at.desc()).limit(limit)
    return list((await session.execute(query)).scalars())


def build_message(email: OutboxEmail, from_address: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Message-ID"] = f"<{email.id}@dinner1>"
    message.set_content(email.text_body)
    if email.html_body:
        message.add_alternative(email.html_body, subtype="html")
    return message


async def deliver(session: AsyncSession, mail_settings: MailSettings, outbox_id: uuid.UUID) -> bool:
    """Send one pending email. False means a transient failure: try again later."""
    email = await session.get(OutboxEmail, outbox_id, with_for_update=True)
    if email is None or email.status != OutboxStatus.PENDING or mail_settings.smtp_host is None:
        return True
    email.attempts += 1
    password = mail_settings.smtp_password
    try:
        await aiosmtplib.send(
            build_message(email, mail_settings.from_address),
            hostname=mail_settings.smtp_host,
            port=mail_settings.smtp_port,
            username=mail_settings.smtp_username,
            password=password.get_secret_value() if password else None,
            start_tls=mail_settings.smtp_starttls and not mail_settings.smtp_ssl,
            use_tls=mail_settings.smtp_ssl,
            timeout=30,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        email.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if email.attempts >= MAX_DELIVERY_ATTEMPTS:
            email.status = OutboxStatus.FAILED
            return True
        return False
    email.status = OutboxStatus.SENT
    email.sent_at = utcnow()
    email.last_error = None
    return True


async def pending_older_than(
    session: AsyncSession, minutes: int, limit: int = 500
) -> list[uuid.UUID]:
    """Emails whose delivery job was lost (a process died after commit)."""
    cutoff = utcnow() - timedelta(minutes=minutes)
    query = (
        select(OutboxEmail.id)
        .where(OutboxEmail.status == OutboxStatus.PENDING, OutboxEmail.updated_at < cutoff)
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())

"""The emails privacy sends, in the member's language."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession

from dinner1.accounts.models import User
from dinner1.config import Settings
from dinner1.core.templating import make_environment
from dinner1.core.text import N_
from dinner1.locale import service as i18n
from dinner1.mail import service as mail
from dinner1.mail.models import OutboxEmail
from dinner1.tenants.service import TenantContext

INACTIVITY_WARNING = "inactivity_warning"


@cache
def _environment() -> Environment:
    return make_environment(Path(__file__).parent / "templates")


def _render(template: str, locale: str, **context: Any) -> str:
    with i18n.use_locale(locale):
        return _environment().get_template(template).render(**context)


def _subject(message: str, locale: str, **values: Any) -> str:
    with i18n.use_locale(locale):
        return i18n.gettext(message) % values


async def send_deletion_requested(
    session: AsyncSession,
    settings: Settings,
    tenant: TenantContext,
    user: User,
    cancel_link: str,
    erase_after: datetime,
) -> None:
    locale = user.locale or tenant.default_locale
    await mail.queue_email(
        session,
        settings.mail,
        tenant_id=tenant.id,
        user_id=user.id,
        kind="deletion_requested",
        to_address=user.email,
        subject=_subject(N_("Your %(brand)s account will be deleted"), locale, brand=tenant.name),
        text_body=_render(
            "mail/deletion_requested.txt",
            locale,
            name=user.display_name,
            brand=tenant.name,
            link=cancel_link,
            when=i18n.format_date(erase_after.date(), "long", locale),
        ),
    )


async def send_inactivity_warning(
    session: AsyncSession,
    settings: Settings,
    tenant: TenantContext,
    user: User,
    anonymize_on: datetime,
) -> OutboxEmail:
    locale = user.locale or tenant.default_locale
    base = settings.http.public_url
    return await mail.queue_email(
        session,
        settings.mail,
        tenant_id=tenant.id,
        user_id=user.id,
        kind=INACTIVITY_WARNING,
        to_address=user.email,
        subject=_subject(N_("We miss you at %(brand)s"), locale, brand=tenant.name),
        text_body=_render(
            "mail/inactivity_warning.txt",
            locale,
            name=user.display_name,
            brand=tenant.name,
            link=f"{base.rstrip('/')}/login" if base else None,
            when=i18n.format_date(anonymize_on.date(), "long", locale),
        ),
    )

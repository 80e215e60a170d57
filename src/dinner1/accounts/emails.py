"""The emails accounts send, rendered in the recipient's language."""

from __future__ import annotations

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
from dinner1.tenants.service import TenantContext


@cache
def _environment() -> Environment:
    return make_environment(Path(__file__).parent / "templates")


def _render(template: str, locale: str, **context: Any) -> str:
    with i18n.use_locale(locale):
        return _environment().get_template(template).render(**context)


def _subject(message: str, locale: str, **values: Any) -> str:
    with i18n.use_locale(locale):
        return i18n.gettext(message) % values


async def send_verification(
    session: AsyncSession, settings: Settings, tenant: TenantContext, user: User, link: str
) -> None:
    locale = user.locale or tenant.default_locale
    await mail.queue_email(
        session,
        settings.mail,
        tenant_id=tenant.id,
        user_id=user.id,
        kind="verify_email",
        to_address=user.email,
        subject=_subject(N_("Confirm your email for %(brand)s"), locale, brand=tenant.name),
        text_body=_render(
            "mail/verify_email.txt",
            locale,
            name=user.display_name,
            brand=tenant.name,
            link=link,
            hours=settings.security.email_token_ttl_hours,
        ),
    )


async def send_password_reset(
    session: AsyncSession, settings: Settings, tenant: TenantContext, user: User, link: str
) -> None:
    locale = user.locale or tenant.default_locale
    await mail.queue_email(
        session,
        settings.mail,
        tenant_id=tenant.id,
        user_id=user.id,
        kind="reset_password",
        to_address=user.email,
        subject=_subject(N_("Reset your %(brand)s password"), locale, brand=tenant.name),
        text_body=_render(
            "mail/reset_password.txt",
            locale,
            name=user.display_name,
            brand=tenant.name,
            link=link,
            minutes=settings.security.password_reset_ttl_minutes,
        ),
    )


async def send_account_exists(
    session: AsyncSession, settings: Settings, tenant: TenantContext, user: User, link: str
) -> None:
    locale = user.locale or tenant.default_locale
    await mail.queue_email(
        session,
        settings.mail,
        tenant_id=tenant.id,
        user_id=user.id,
        kind="account_exists",
        to_address=user.email,
        subject=_subject(N_("You already have a %(brand)s account"), locale, brand=tenant.name),
        text_body=_render(
            "mail/account_exists.txt",
            locale,
            name=user.display_name,
            brand=tenant.name,
            link=link,
        ),
    )

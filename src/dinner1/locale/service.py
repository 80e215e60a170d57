"""Languages, text direction and Babel formatting for en / fr / ar.

The language of a request comes from the member's setting, else the `lang` cookie of a
visitor who picked one, else `Accept-Language`, else English. Dates and numbers use the
Moroccan regional variants (`fr_MA`, `ar_MA`), so Arabic shows Western digits as Moroccan
print does.
"""

from __future__ import annotations

import gettext as gettext_module
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers
from babel.messages.pofile import read_po
from babel.support import Translations

logger = logging.getLogger(__name__)

SUPPORTED_LOCALES: tuple[str, ...] = ("en", "fr", "ar")
DEFAULT_LOCALE = "en"
RTL_LOCALES = frozenset({"ar"})
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}
# Babel locale used to format numbers and dates for each interface language.
FORMAT_LOCALES = {"en": "en", "fr": "fr_MA", "ar": "ar_MA"}
CATALOG_DIR = Path(__file__).parent / "catalogs"
DOMAIN = "messages"

_CODE_BEFORE_DIGIT = re.compile(r"([A-Za-z])(\d)")
_DIGIT_BEFORE_CODE = re.compile(r"(\d)([A-Za-z])")

current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


@cache
def translations(locale: str) -> gettext_module.NullTranslations:
    if locale == DEFAULT_LOCALE or locale not in SUPPORTED_LOCALES:
        return gettext_module.NullTranslations()
    mo_path = CATALOG_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo_path.exists():
        with mo_path.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    # Catalogs are compiled at install; a source checkout that skipped it still works.
    logger.warning("compiled catalog missing, reading .po", extra={"locale": locale})
    po_path = mo_path.with_suffix(".po")
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    result = Translations()
    result._catalog = {
        message.id: message.string
        for message in catalog
        if message.id
        and message.string
        and not message.fuzzy
        and isinstance(message.id, str)
        and isinstance(message.string, str)
    }
    return result


def normalize(tag: str | None) -> str | None:
    """`fr-FR` → `fr`; unknown languages → None."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in SUPPORTED_LOCALES else None


def negotiate(
    *, user_locale: str | None, cookie_locale: str | None, accept_language: str | None
) -> str:
    for candidate in (user_locale, cookie_locale):
        chosen = normalize(candidate)
        if chosen:
            return chosen
    return best_from_accept_language(accept_language) or DEFAULT_LOCALE


def best_from_accept_language(header: str | None) -> str | None:
    if not header:
        return None
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:20]):
        pieces = part.strip().split(";")
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        chosen = normalize(pieces[0])
        if chosen and quality > 0:
            weighted.append((-quality, index, chosen))
    return min(weighted)[2] if weighted else None


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    token = current_locale.set(normalize(locale) or DEFAULT_LOCALE)
    try:
        yield
    finally:
        current_locale.reset(token)


def gettext(message: str) -> str:
    return translations(current_locale.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale.get()).ngettext(singular, plural, n)


def text_direction(locale: str | None = None) -> str:
    return "rtl" if (locale or current_locale.get()) in RTL_LOCALES else "ltr"


def _format_locale(locale: str | None) -> str:
    return FORMAT_LOCALES.get(locale or current_locale.get(), "en")


def format_date(value: date, format: str = "medium", locale: str | None = None) -> str:
    return dates.format_date(value, format=format, locale=_format_locale(locale))


def format_datetime(
    value: datetime,
    tz: str = "Africa/Casablanca",
    format: str = "medium",
    locale: str | None = None,
) -> str:
    return dates.format_datetime(
        value, format=format, tzinfo=ZoneInfo(tz), locale=_format_locale(locale)
    )


def format_number(value: int | float | Decimal, locale: str | None = None) -> str:
    return numbers.format_decimal(value, locale=_format_locale(locale))


def format_money(amount_minor: int, currency: str, locale: str | None = None) -> str:
    """Integer minor units + ISO currency → localized text, e.g. 12550 MAD → `125,50 MAD`."""
    digits = numbers.get_currency_precision(currency)
    amount = Decimal(amount_minor).scaleb(-digits)
    text = numbers.format_currency(amount, currency, locale=_format_locale(locale))
    # CLDR's currency spacing: a letter code never touches the digits ("MAD 125.50").
    return _CODE_BEFORE_DIGIT.sub("\\1\u00a0\\2", _DIGIT_BEFORE_CODE.sub("\\1\u00a0\\2", text))


def language_name(locale: str) -> str:
    return LANGUAGE_NAMES.get(locale) or Locale.parse(locale).get_display_name() or locale

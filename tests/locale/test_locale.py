from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

from dinner1.locale import service as i18n
from dinner1.runtime import Runtime
from tests.fixtures.factories import bearer, create_user, login


def test_negotiation_order_is_user_then_cookie_then_header() -> None:
    assert i18n.negotiate(user_locale="ar", cookie_locale="fr", accept_language="en") == "ar"
    assert i18n.negotiate(user_locale=None, cookie_locale="fr", accept_language="ar") == "fr"
    assert i18n.negotiate(user_locale=None, cookie_locale=None, accept_language="ar-MA") == "ar"
    assert i18n.negotiate(user_locale=None, cookie_locale=None, accept_language=None) == "en"


def test_accept_language_weights_are_honoured() -> None:
    assert i18n.best_from_accept_language("de;q=1.0, fr;q=0.5, ar;q=0.8") == "ar"
    assert i18n.best_from_accept_language("fr;q=0, en;q=0.1") == "en"
    assert i18n.best_from_accept_language("zz, *;q=0.5") is None
    assert i18n.best_from_accept_language("fr;q=abc") is None


def test_money_is_formatted_from_minor_units() -> None:
    assert i18n.format_money(12550, "MAD", "en") == "MAD\xa0125.50"
    assert (
        i18n.format_money(12550, "MAD", "fr").replace("\u202f", " ").replace("\xa0", " ")
        == "125,50 MAD"
    )
    assert "125" in i18n.format_money(12550, "MAD", "ar")
    assert i18n.format_money(999, "EUR", "fr").startswith("9,99")
    assert i18n.format_money(500, "JPY", "en") == "¥500"  # no minor unit


def test_arabic_uses_western_digits_as_in_morocco() -> None:
    formatted = i18n.format_number(1234567, "ar")
    assert any(ch in formatted for ch in "1234567")
    assert "١" not in formatted


def test_dates_are_localized() -> None:
    assert "2026" in i18n.format_date(date(2026, 3, 20), locale="fr")
    assert "mars" in i18n.format_date(date(2026, 3, 20), format="long", locale="fr")
    # Morocco keeps UTC+1, except during Ramadan when it returns to UTC.
    june = datetime(2026, 6, 20, 19, 30, tzinfo=UTC)
    assert "20:30" in i18n.format_datetime(june, format="short", locale="fr")
    ramadan = datetime(2026, 3, 1, 19, 30, tzinfo=UTC)
    assert "19:30" in i18n.format_datetime(ramadan, format="short", locale="fr")


def test_direction() -> None:
    assert i18n.text_direction("ar") == "rtl"
    assert i18n.text_direction("fr") == "ltr"


def test_every_catalog_is_complete() -> None:
    from babel.messages.pofile import read_po

    template = {m.id for m in read_po((i18n.CATALOG_DIR / "messages.pot").open("rb")) if m.id}
    for locale in ("fr", "ar"):
        catalog = read_po((i18n.CATALOG_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb"))
        missing = {m.id for m in catalog if m.id and not m.string}
        assert not missing, (locale, sorted(missing)[:5])
        assert template <= {m.id for m in catalog if m.id}, locale


def test_no_string_has_a_bare_percent_sign() -> None:
    """Templates format every message with `%` (Jinja's new-style gettext), so a bare "%"
    in a message or a translation crashes the page that shows it; write "percent"."""
    import re

    from babel.messages.pofile import read_po

    formats = re.compile(r"%\(\w+\)[sdif]|%%")
    catalogs = [i18n.CATALOG_DIR / "messages.pot"] + [
        i18n.CATALOG_DIR / locale / "LC_MESSAGES" / "messages.po" for locale in ("fr", "ar")
    ]
    bare = []
    for path in catalogs:
        for message in read_po(path.open("rb")):
            if not message.id:
                continue
            texts = [
                *(message.id if isinstance(message.id, tuple) else (message.id,)),
                *(message.string if isinstance(message.string, tuple) else (message.string,)),
            ]
            bare += [text for text in texts if text and "%" in formats.sub("", text)]
    assert not bare, bare[:5]


def test_the_template_holds_every_string_in_the_source(tmp_path: Path) -> None:
    """A string added to code or a template but never extracted would show in English."""
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "_",
            "-k",
            "gettext",
            "-k",
            "ngettext:1,2",
            "--no-location",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )
    extracted = {m.id for m in read_po(fresh.open("rb")) if m.id}
    template = {m.id for m in read_po((i18n.CATALOG_DIR / "messages.pot").open("rb")) if m.id}
    assert not extracted - template, ("run `make i18n`", sorted(extracted - template)[:5])


async def test_api_problems_speak_the_members_language(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime, locale="fr")
    tokens = await login(client, user.email)
    response = await client.get("/api/v1/admin/outbox", headers=bearer(tokens))
    assert response.status_code == 403
    assert response.json()["title"] == i18n.translations("fr").gettext(
        "You are not allowed to do this"
    )
    assert response.json()["title"] != "You are not allowed to do this"


async def test_visitors_get_problems_in_their_browser_language(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login",
        headers={"Accept-Language": "ar"},
        json={"email": "nobody@example.com", "password": "whatever it is"},
    )
    assert response.json()["title"] == i18n.translations("ar").gettext("Email or password is wrong")


async def test_dining_problems_speak_the_members_language(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user = await create_user(runtime, locale="ar")
    tokens = await login(client, user.email)
    response = await client.post(
        f"/api/v1/deals/{uuid.uuid4()}/bookings", json={"party": 2}, headers=bearer(tokens)
    )
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail == i18n.translations("ar").gettext("No such deal.") != "No such deal."

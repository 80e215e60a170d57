"""Venue owners' deal pages: upcoming slots (post, pause, resume, cancel) and auto-posting
rules with their log. Included by `venue_pages`; the services decide everything."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import numbers
from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from dinner1.accounts.auth import Principal
from dinner1.core.deps import RuntimeDep, SessionDep, TenantDep
from dinner1.core.errors import AppError
from dinner1.core.text import N_
from dinner1.db.session import Database
from dinner1.deals import autopost_service as autoposting
from dinner1.deals import service as deals
from dinner1.deals.autopost_schemas import AutoPostSettingIn
from dinner1.deals.models import AutoPostSetting
from dinner1.deals.schemas import RuleIn, SlotEdit, SlotIn, TemplateIn
from dinner1.locale import service as i18n
from dinner1.locale.service import gettext as _
from dinner1.venues.service import access_venue
from dinner1.web.forms import FIELD_MESSAGES, field_errors_from_app_error
from dinner1.web.rendering import render
from dinner1.web.session import PageUser
from dinner1.web.venue_charts import percent_text, weekday_names

router = APIRouter(include_in_schema=False)

UPCOMING_LIMIT = 200
TEMPLATES = {
    "afternoon_tea": N_("Afternoon tea"),
    "early_dinner": N_("Early dinner"),
    "late_lunch": N_("Late lunch"),
    "iftar": N_("Iftar (Ramadan)"),
    "suhoor": N_("Suhoor (Ramadan)"),
}
NOTICES = {
    "posted": N_("Your offer is on sale."),
    "paused": N_("Paused: members cannot book it until you resume it."),
    "active": N_("Resumed: members can book it again."),
    "cancelled": N_("Cancelled. Anyone booked was refunded and told."),
    "rule_saved": N_("Rule saved."),
    "rule_deleted": N_("Rule deleted."),
    "rule_paused": N_("Rule paused: it posts nothing until you resume it."),
    "rule_resumed": N_("Rule resumed."),
}
SLOT_FIELDS = ("day", "start", "end", "seats", "percent_off", "offer")
WEEKLY_FIELDS = ("weekdays", "start", "end", "first_day", "weeks", "seats", "percent_off")
TEMPLATE_FIELDS = ("template", "first_day", "weeks", "seats", "percent_off", "price", "usual_price")
RULE_FIELDS = (
    "below_percent",
    "lead_hours",
    "discount_percent",
    "max_discount_percent",
    "min_empty_seats",
    "seats",
    "duration_minutes",
    "position",
)
RULE_FLAGS = ("use_recommendation", "active")


@dataclass(frozen=True, slots=True)
class DealForm:
    """What one of the deals page's forms sent; `prefix` keeps its fields apart on the page."""

    values: dict[str, str]
    fields: tuple[str, ...]
    prefix: str = ""
    renamed: dict[str, str] = field(default_factory=dict)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def notice_of(request: Request) -> str | None:
    key = request.query_params.get("done", "")
    return _(NOTICES[key]) if key in NOTICES else None


def form_values(form: FormData, names: tuple[str, ...]) -> dict[str, str]:
    return {name: str(form.get(name, "")).strip() for name in names}


def field_errors(
    exc: ValidationError, fields: tuple[str, ...], renamed: dict[str, str]
) -> dict[str, str]:
    """Validation errors next to the form field they concern (the last known name in loc)."""
    errors: dict[str, str] = {}
    for err in exc.errors():
        names = [renamed.get(str(part), str(part)) for part in err.get("loc", ())]
        name = next((n for n in reversed(names) if n in fields), "form")
        errors.setdefault(name, _(FIELD_MESSAGES.get(err.get("type", ""), "Check this value.")))
    return errors


def form_problem(errors: dict[str, str]) -> str | None:
    if "form" in errors:
        return _("Check the seats, party sizes and discount together.")
    return _("Some answers need another look.") if errors else None


# ---- deals -----------------------------------------------------------------------------------


async def _deals_page(
    request: Request,
    principal: Principal,
    session: SessionDep,
    venue_id: uuid.UUID,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    form_error: str | None = None,
    status_code: int = 200,
) -> Response:
    venue, upcoming = await deals.upcoming_for_venue(
        session, principal, venue_id, datetime.now(UTC), UPCOMING_LIMIT
    )
    prefill = {name: request.query_params.get(name, "") for name in SLOT_FIELDS}
    return render(
        request,
        "venue/deals.html",
        status_code=status_code,
        venue=venue,
        tab="deals",
        active="venue",
        deals=upcoming,
        templates={key: _(label) for key, label in TEMPLATES.items()},
        weekday_names=weekday_names(),
        values=values if values is not None else prefill,
        errors=errors or {},
        form_error=form_error,
        notice=notice_of(request),
    )


@router.get("/venue/{venue_id}/deals")
async def deals_page(
    venue_id: uuid.UUID, request: Request, principal: PageUser, session: SessionDep
) -> Response:
    return await _deals_page(request, principal, session, venue_id)


def slot_from_form(values: dict[str, str]) -> SlotIn:
    offer = {i18n.current_locale.get(): values["offer"]} if values["offer"] else {}
    terms = {"seats": values["seats"], "percent_off": values["percent_off"], "offer": offer}
    return SlotIn.model_validate(
        {"day": values["day"], "start": values["start"], "end": values["end"], "terms": terms}
    )


async def _deal_form(
    request: Request,
    principal: Principal,
    session: SessionDep,
    venue_id: uuid.UUID,
    form: DealForm,
    save: Callable[[], Awaitable[object]],
) -> Response:
    """Post what a deal form asked for, or show the form again with what was typed and why
    it was refused; nothing a refused form tried is kept."""
    shown = {f"{form.prefix}{name}": value for name, value in form.values.items()}
    errors: dict[str, str] = {}
    try:
        await save()
    except ValidationError as exc:
        found = field_errors(exc, form.fields, form.renamed)
        errors = {f"{form.prefix}{name}": message for name, message in found.items()}
        problem, status_code = form_problem(errors), 422
    except AppError as error:
        if error.status not in (409, 422):
            raise
        problem, status_code = error.detail or _(error.title), error.status
    else:
        return redirect(f"/venue/{venue_id}/deals?done=posted")
    await Database.rollback(session)
    return await _deals_page(
        request,
        principal,
        session,
        venue_id,
        values=shown,
        errors=errors,
        form_error=problem,
        status_code=status_code,
    )


@router.post("/venue/{venue_id}/deals")
async def post_slot(
    venue_id: uuid.UUID, request: Request, principal: PageUser, session: SessionDep
) -> Response:
    form = DealForm(form_values(await request.form(), SLOT_FIELDS), SLOT_FIELDS)

    async def save() -> object:
        return await deals.post_slot(session, principal, venue_id, slot_from_form(form.values))

    return await _deal_form(request, principal, session, venue_id, form, save)


def weekly_rule_from_form(values: dict[str, str], weekdays: list[str]) -> RuleIn:
    terms = {"seats": values["seats"], "percent_off": values["percent_off"]}
    data = {name: values[name] for name in ("start", "end", "first_day")}
    data["weeks"] = values["weeks"] or "4"
    return RuleIn.model_validate({**data, "weekdays": weekdays, "terms": terms})


@router.post("/venue/{venue_id}/deals/weekly")
async def post_weekly_rule(
    venue_id: uuid.UUID, request: Request, principal: PageUser, session: SessionDep
) -> Response:
    posted = await request.form()
    weekdays = [str(day) for day in posted.getlist("weekdays")]
    values = form_values(posted, WEEKLY_FIELDS) | {"weekdays": ",".join(weekdays)}
    form = DealForm(values, WEEKLY_FIELDS, prefix="w_")

    async def save() -> object:
        return await deals.post_rule(
            session, principal, venue_id, weekly_rule_from_form(values, weekdays)
        )

    return await _deal_form(request, principal, session, venue_id, form, save)


def minor_units(text: str, currency: str) -> int | str | None:
    """ "125.50" → 12550 in the venue's currency; unreadable text is passed on to be refused."""
    if not text:
        return None
    try:
        amount = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return text
    return int(amount.scaleb(numbers.get_currency_precision(currency)))


def template_from_form(values: dict[str, str], currency: str) -> TemplateIn:
    data: dict[str, Any] = {
        "template": values["template"],
        "first_day": values["first_day"],
        "weeks": values["weeks"] or 4,
        "seats": values["seats"],
        "percent_off": values["percent_off"] or None,
        "price_minor": minor_units(values["price"], currency),
        "original_price_minor": minor_units(values["usual_price"], currency),
    }
    return TemplateIn.model_validate(data)


@router.post("/venue/{venue_id}/deals/template")
async def post_template(
    venue_id: uuid.UUID, request: Request, principal: PageUser, session: SessionDep
) -> Response:
    values = form_values(await request.form(), TEMPLATE_FIELDS)
    renamed = {"price_minor": "price", "original_price_minor": "usual_price"}
    form = DealForm(values, TEMPLATE_FIELDS, prefix="t_", renamed=renamed)

    async def save() -> object:
        venue = await access_venue(session, principal, venue_id, "manager")
        data = template_from_form(values, venue.currency)
        return await deals.post_template(session, principal, venue_id, data)

    return await _deal_form(request, principal, session, venue_id, form, save)


@router.post("/venue/{venue_id}/deals/{deal_id}/status")
async def pause_or_resume(
    venue_id: uuid.UUID,
    deal_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
) -> Response:
    wanted = str((await request.form()).get("status", ""))
    if wanted not in ("paused", "active"):
        return redirect(f"/venue/{venue_id}/deals")
    edit = SlotEdit.model_validate({"status": wanted})
    deal = await deals.edit_slot(session, principal, deal_id, edit)
    return redirect(f"/venue/{deal.venue_id}/deals?done={wanted}")


@router.get("/venue/{venue_id}/deals/{deal_id}/cancel")
async def confirm_cancel(
    venue_id: uuid.UUID,
    deal_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
) -> Response:
    venue, upcoming = await deals.upcoming_for_venue(
        session, principal, venue_id, datetime.now(UTC), UPCOMING_LIMIT
    )
    deal = next((d for d in upcoming if d.id == deal_id), None)
    if deal is None:
        return redirect(f"/venue/{venue.id}/deals")
    return render(
        request,
        "venue/cancel_deal.html",
        venue=venue,
        tab="deals",
        active="venue",
        deal=deal,
    )


@router.post("/venue/{venue_id}/deals/{deal_id}/cancel")
async def cancel_deal(
    venue_id: uuid.UUID,
    deal_id: uuid.UUID,
    principal: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
    tenant: TenantDep,
) -> Response:
    deal = await deals.cancel_slot(session, runtime.settings, tenant, principal, deal_id)
    return redirect(f"/venue/{deal.venue_id}/deals?done=cancelled")


# ---- auto-posting ------------------------------------------------------------------------------


async def _rules_page(
    request: Request,
    principal: Principal,
    session: SessionDep,
    venue_id: uuid.UUID,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    form_error: str | None = None,
    editing: uuid.UUID | None = None,
    status_code: int = 200,
) -> Response:
    """`editing` names the rule whose form holds `values` and `errors` (None: the new one)."""
    venue, runs = await autoposting.list_runs(session, principal, venue_id)
    rules = await autoposting.list_settings(session, principal, venue_id)
    return render(
        request,
        "venue/auto_posting.html",
        status_code=status_code,
        venue=venue,
        tab="auto",
        active="venue",
        rules=rules,
        stored={rule.id: stored_values(rule) for rule in rules},
        runs=runs,
        percent_text=percent_text,
        max_rules=autoposting.MAX_RULES,
        editing=editing,
        values=values if values is not None else {"active": "on"},
        errors=errors or {},
        form_error=form_error,
        notice=notice_of(request),
    )


@router.get("/venue/{venue_id}/auto-posting")
async def rules_page(
    venue_id: uuid.UUID, request: Request, principal: PageUser, session: SessionDep
) -> Response:
    return await _rules_page(request, principal, session, venue_id)


def stored_values(rule: AutoPostSetting) -> dict[str, str]:
    """A saved rule as its edit form shows it."""
    values = {name: str(getattr(rule, name)) for name in RULE_FIELDS if name != "below_percent"}
    flags = {name: "on" if getattr(rule, name) else "" for name in RULE_FLAGS}
    return values | flags | {"below_percent": str(round(rule.below_occupancy * 100))}


def share_of(percent: str) -> float | str:
    """ "40" → 0.4; unreadable text is passed on, to be refused next to its field."""
    try:
        return float(percent) / 100
    except ValueError:
        return percent


def rule_from_form(values: dict[str, str]) -> AutoPostSettingIn:
    below = share_of(values["below_percent"])
    data: dict[str, Any] = {
        name: values[name] for name in RULE_FIELDS if name != "below_percent" and values[name]
    }
    flags = {name: values.get(name) == "on" for name in RULE_FLAGS}
    return AutoPostSettingIn.model_validate({**data, **flags, "below_occupancy": below})


async def _save_rule(
    request: Request,
    principal: Principal,
    session: SessionDep,
    venue_id: uuid.UUID,
    setting_id: uuid.UUID | None,
) -> Response:
    form = await request.form()
    values = form_values(form, RULE_FIELDS + RULE_FLAGS)
    try:
        data = rule_from_form(values)
        if setting_id is None:
            await autoposting.create_setting(session, principal, venue_id, data)
        else:
            await autoposting.update_setting(session, principal, venue_id, setting_id, data)
    except ValidationError as exc:
        errors = field_errors(exc, RULE_FIELDS, {"below_occupancy": "below_percent"})
        await Database.rollback(session)
        return await _rules_page(
            request,
            principal,
            session,
            venue_id,
            values=values,
            errors=errors,
            form_error=form_problem(errors),
            editing=setting_id,
            status_code=422,
        )
    except AppError as error:
        if error.status not in (409, 422):
            raise
        await Database.rollback(session)
        return await _rules_page(
            request,
            principal,
            session,
            venue_id,
            values=values,
            errors=field_errors_from_app_error(error)[0],
            form_error=error.detail or _(error.title),
            editing=setting_id,
            status_code=error.status,
        )
    return redirect(f"/venue/{venue_id}/auto-posting?done=rule_saved")


@router.post("/venue/{venue_id}/auto-posting")
async def create_rule(
    venue_id: uuid.UUID, request: Request, principal: PageUser, session: SessionDep
) -> Response:
    return await _save_rule(request, principal, session, venue_id, None)


@router.post("/venue/{venue_id}/auto-posting/{setting_id}")
async def update_rule(
    venue_id: uuid.UUID,
    setting_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
) -> Response:
    return await _save_rule(request, principal, session, venue_id, setting_id)


@router.post("/venue/{venue_id}/auto-posting/{setting_id}/active")
async def pause_or_resume_rule(
    venue_id: uuid.UUID,
    setting_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
) -> Response:
    wanted = (await request.form()).get("active") == "on"
    await autoposting.set_setting_active(session, principal, venue_id, setting_id, wanted)
    done = "rule_resumed" if wanted else "rule_paused"
    return redirect(f"/venue/{venue_id}/auto-posting?done={done}")


@router.post("/venue/{venue_id}/auto-posting/{setting_id}/move")
async def move_rule(
    venue_id: uuid.UUID,
    setting_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
) -> Response:
    offset = -1 if (await request.form()).get("direction") == "up" else 1
    await autoposting.move_setting(session, principal, venue_id, setting_id, offset)
    return redirect(f"/venue/{venue_id}/auto-posting")


@router.post("/venue/{venue_id}/auto-posting/{setting_id}/delete")
async def delete_rule(
    venue_id: uuid.UUID, setting_id: uuid.UUID, principal: PageUser, session: SessionDep
) -> Response:
    await autoposting.delete_setting(session, principal, venue_id, setting_id)
    return redirect(f"/venue/{venue_id}/auto-posting?done=rule_deleted")

"""Onboarding wizard, own profile, and today's matches: pages over the same services."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

from dinner1.core.deps import RuntimeDep, SessionDep
from dinner1.core.errors import AppError, BadRequest, Conflict
from dinner1.locale.service import gettext as _
from dinner1.matching import service as matching
from dinner1.matching import views as match_views
from dinner1.matching.clock import local_today
from dinner1.profiles import photos
from dinner1.profiles import repository as profiles_repo
from dinner1.profiles import service as profiles
from dinner1.profiles import taxonomy as tx
from dinner1.profiles.options import options
from dinner1.profiles.schemas import STEPS
from dinner1.web.forms import field_errors_from_app_error
from dinner1.web.rendering import render
from dinner1.web.session import PageUser

router = APIRouter(include_in_schema=False)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/onboarding")
async def onboarding_start(principal: PageUser, session: SessionDep) -> Response:
    profile = await profiles_repo.get_profile(session, principal.tenant_id, principal.user_id)
    next_step = profiles.progress(profile).next_step
    return _redirect(f"/onboarding/{next_step}" if next_step else "/matches")


@router.get("/onboarding/{step}")
async def onboarding_step(
    step: str, request: Request, principal: PageUser, session: SessionDep
) -> Response:
    if step not in STEPS:
        return _redirect("/onboarding")
    profile = await profiles_repo.get_profile(session, principal.tenant_id, principal.user_id)
    current = profiles.to_out(
        profile or profiles.empty_profile(principal.tenant_id, principal.user_id)
    ).model_dump()
    return _render_step(request, step, current, profiles.progress(profile))


def _render_step(
    request: Request,
    step: str,
    values: dict[str, Any],
    progress: Any,
    *,
    errors: dict[str, str] | None = None,
    form_error: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "soul/step.html",
        status_code=status_code,
        step=step,
        steps=STEPS,
        progress=progress,
        options=options(),
        current=values,
        errors=errors or {},
        form_error=form_error,
        min_prompts=tx.MIN_PROMPTS,
        max_prompts=tx.MAX_PROMPTS,
        active="onboarding",
    )


@router.post("/onboarding/{step}")
async def save_onboarding_step(
    step: str, request: Request, principal: PageUser, session: SessionDep
) -> Response:
    form = await request.form()
    data = step_data_from_form(step, form)
    try:
        profile = await profiles.save_step(
            session, principal.tenant_id, principal.user_id, step, data
        )
    except AppError as exc:
        errors, form_error = field_errors_from_app_error(exc)
        existing = await profiles_repo.get_profile(session, principal.tenant_id, principal.user_id)
        values = (
            profiles.to_out(
                existing or profiles.empty_profile(principal.tenant_id, principal.user_id)
            ).model_dump()
            | data
        )
        return _render_step(
            request,
            step,
            values,
            profiles.progress(existing),
            errors=errors,
            form_error=form_error or exc.detail,
            status_code=exc.status,
        )
    next_step = profiles.progress(profile).next_step
    return _redirect(f"/onboarding/{next_step}" if next_step else "/matches?notice=welcome")


def _one(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return str(value) if value is not None and str(value) != "" else None


def _many(form: FormData, name: str) -> list[str]:
    return [str(value) for value in form.getlist(name) if str(value)]


def _number(value: str | None, kind: type[int] | type[float]) -> int | float | str | None:
    """Numbers when they parse; the raw text otherwise, so validation names the field."""
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        return value


def _basics(form: FormData) -> dict[str, Any]:
    data: dict[str, Any] = {
        "gender": _one(form, "gender"),
        "seeking": _many(form, "seeking"),
        "age_min": _number(_one(form, "age_min"), int),
        "age_max": _number(_one(form, "age_max"), int),
        "max_distance_km": _number(_one(form, "max_distance_km"), int),
        "city": _one(form, "city"),
        "languages": _many(form, "languages"),
        "relationship_goal": _one(form, "relationship_goal"),
    }
    latitude = _number(_one(form, "latitude"), float)
    longitude = _number(_one(form, "longitude"), float)
    if latitude is not None and longitude is not None:
        data |= {"latitude": latitude, "longitude": longitude}
    return data


def _values(form: FormData) -> dict[str, Any]:
    ranked = [_one(form, f"value_{rank}") for rank in range(1, tx.MAX_VALUES_RANKED + 1)]
    return {"values_ranked": [value for value in ranked if value]}


def _interests(form: FormData) -> dict[str, Any]:
    custom = [part.strip() for part in (_one(form, "custom_interests") or "").split(",")]
    return {"interests": _many(form, "interests"), "custom_interests": [c for c in custom if c]}


def _communication(form: FormData) -> dict[str, Any]:
    return {
        "communication_style": _one(form, "communication_style"),
        "love_language": _one(form, "love_language"),
    }


def _lifestyle(form: FormData) -> dict[str, Any]:
    return {
        "lifestyle": {q: _one(form, f"lifestyle_{q}") for q in tx.LIFESTYLE},
        "diet": _many(form, "diet"),
        "religion": _one(form, "religion"),
        "religion_importance": _number(_one(form, "religion_importance"), int),
        "smoking": _one(form, "smoking"),
        "drinking": _one(form, "drinking"),
        "has_children": _one(form, "has_children"),
        "wants_children": _one(form, "wants_children"),
        "dealbreakers": _many(form, "dealbreakers"),
    }


def _goals(form: FormData) -> dict[str, Any]:
    return {"life_goals": _many(form, "life_goals")}


def _answers(form: FormData) -> dict[str, Any]:
    answers = {c.key: (_one(form, f"answer_{c.key}") or "").strip() for c in tx.PROMPTS}
    return {"answers": {key: text for key, text in answers.items() if text}}


_FORM_READERS: dict[str, Callable[[FormData], dict[str, Any]]] = {
    "basics": _basics,
    "values": _values,
    "interests": _interests,
    "communication": _communication,
    "lifestyle": _lifestyle,
    "goals": _goals,
    "answers": _answers,
}


def step_data_from_form(step: str, form: FormData) -> dict[str, Any]:
    """Form fields → the step's JSON shape (the service validates everything)."""
    reader = _FORM_READERS.get(step)
    return reader(form) if reader else {}


@router.get("/matches")
async def matches_page(
    request: Request, principal: PageUser, session: SessionDep, runtime: RuntimeDep
) -> Response:
    today = local_today(runtime.settings.locale.default_timezone)
    try:
        rows = await matching.generate_daily(
            session, runtime.matching, principal.tenant_id, principal.user_id, today
        )
    except Conflict:
        return _redirect("/onboarding")
    people = await match_views.people(
        session, principal.tenant_id, [m.candidate_id for m in rows], today
    )
    shown = [
        match_views.match_out(m, people[m.candidate_id]) for m in rows if m.candidate_id in people
    ]
    return render(
        request,
        "soul/matches.html",
        matches=shown,
        options=options(),
        active="matches",
        notice_key=request.query_params.get("notice"),
    )


@router.post("/matches/{match_id}/outcome")
async def answer_match(
    match_id: uuid.UUID, request: Request, principal: PageUser, session: SessionDep
) -> Response:
    form = await request.form()
    outcome = str(form.get("outcome", ""))
    if outcome in ("pass", "interested"):
        await matching.record_outcome(
            session, principal.tenant_id, principal.user_id, match_id, outcome
        )
    return _redirect(f"/matches#match-{match_id}")


@router.get("/profile/photos")
async def photos_page(request: Request, principal: PageUser, session: SessionDep) -> Response:
    mine = await photos.list_photos(session, principal.tenant_id, principal.user_id)
    return render(
        request,
        "soul/photos.html",
        photos=mine,
        max_photos=photos.MAX_PHOTOS,
        active="photos",
        notice=_photo_notice(request),
    )


def _photo_notice(request: Request) -> str | None:
    key = request.query_params.get("notice")
    return {
        "uploaded": _("Photo added. It stays blurred for others until you both reveal."),
        "deleted": _("Photo deleted."),
    }.get(key or "")


@router.post("/profile/photos")
async def upload_photo_page(
    request: Request, principal: PageUser, session: SessionDep, runtime: RuntimeDep
) -> Response:
    form = await request.form()
    upload = form.get("photo")
    data = await upload.read() if isinstance(upload, UploadFile) else b""
    try:
        if not data:
            raise BadRequest(_("Choose a photo first."))
        await photos.add_photo(session, runtime.media, principal.tenant_id, principal.user_id, data)
    except AppError as exc:
        mine = await photos.list_photos(session, principal.tenant_id, principal.user_id)
        return render(
            request,
            "soul/photos.html",
            status_code=exc.status,
            photos=mine,
            max_photos=photos.MAX_PHOTOS,
            active="photos",
            form_error=exc.detail or _(exc.title),
        )
    return _redirect("/profile/photos?notice=uploaded")


@router.post("/profile/photos/{photo_id}/delete")
async def delete_photo_page(
    photo_id: uuid.UUID, principal: PageUser, session: SessionDep, runtime: RuntimeDep
) -> Response:
    await photos.delete_photo(
        session, runtime.media, principal.tenant_id, principal.user_id, photo_id
    )
    return _redirect("/profile/photos?notice=deleted")

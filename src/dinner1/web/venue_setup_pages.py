"""Venue setup pages: register and edit a venue, its photos, and the admins' review queue."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from dinner1.accounts.auth import Principal
from dinner1.accounts.models import Role
from dinner1.core.deps import RuntimeDep, SessionDep
from dinner1.core.errors import AppError, BadRequest, Conflict, ValidationFailed
from dinner1.core.text import N_
from dinner1.locale.cities import CITIES
from dinner1.locale.service import gettext as _
from dinner1.media.errors import ImageRejected
from dinner1.venues import photos, repository
from dinner1.venues import service as venues
from dinner1.venues.features import CATEGORIES
from dinner1.venues.models import Venue, VenuePhoto
from dinner1.venues.schemas import ReviewIn
from dinner1.web.forms import read_form
from dinner1.web.rendering import render
from dinner1.web.session import PageUser, page_role
from dinner1.web.venue_form import (
    VenueForm,
    blank_form,
    choices,
    form_from_post,
    form_from_venue,
    to_venue_in,
)

router = APIRouter(include_in_schema=False)
OwnerPage = Annotated[Principal, Depends(page_role(Role.VENUE_OWNER, Role.ADMIN))]
AdminPage = Annotated[Principal, Depends(page_role(Role.ADMIN))]
REVIEW_STATUSES = ("pending", "approved", "suspended", "rejected")
# What an admin may decide about a venue in each status (venues.service.TRANSITIONS).
DECISIONS = {
    "pending": ("approve", "reject"),
    "approved": ("suspend",),
    "suspended": ("reinstate",),
    "rejected": ("approve",),
}
NOTICES = {
    "created": N_("Venue registered. An admin reviews it before guests see it; add photos now."),
    "saved": N_("Changes saved."),
    "uploaded": N_("Photo added."),
    "deleted": N_("Photo deleted."),
    "ordered": N_("New order saved."),
    "captioned": N_("Caption saved."),
    "reviewed": N_("Decision saved."),
    "stale": N_("This venue changed in the meantime; look again before deciding."),
}
REJECTIONS = {
    "not_an_image": N_("This file is not a photo; upload a JPEG, PNG or WebP."),
    "unsupported_format": N_("This kind of file is not accepted; upload a JPEG, PNG or WebP."),
    "too_large": N_("The file is larger than 10 MB; upload a smaller one."),
    "too_many_pixels": N_("The image has too many pixels; export it under 40 megapixels."),
    "decompression_bomb": N_("This file could not be read as a photo."),
    "corrupt": N_("This file is damaged or incomplete; export the photo again."),
    "polyglot": N_("This file hides other content; export the photo again."),
}


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _notice(request: Request) -> str | None:
    key = request.query_params.get("notice", "")
    return _(NOTICES[key]) if key in NOTICES else None


# ---- register and edit ----------------------------------------------------------------


def _render_form(
    request: Request,
    form: VenueForm,
    venue: Venue | None,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "venue_setup/venue_form.html",
        status_code=status_code,
        form=form,
        venue=venue,
        choices=choices(),
        errors=errors or {},
        form_error=_("Check the fields marked below.") if errors else None,
        notice=_notice(request),
        active="venue",
    )


@router.get("/venue/new")
async def new_venue_page(request: Request, _owner: OwnerPage) -> Response:
    return _render_form(request, blank_form(), None)


@router.post("/venue/new")
async def register_venue(request: Request, principal: OwnerPage, session: SessionDep) -> Response:
    form = form_from_post(await request.form())
    data, errors = to_venue_in(form)
    if data is None:
        return _render_form(request, form, None, errors=errors, status_code=422)
    venue = await venues.create_venue(session, principal, data)
    return _redirect(f"/venue/{venue.id}/photos?notice=created")


@router.get("/venue/{venue_id}/edit")
async def edit_venue_page(
    venue_id: uuid.UUID, request: Request, principal: PageUser, session: SessionDep
) -> Response:
    venue = await venues.access_venue(session, principal, venue_id, "manager")
    return _render_form(request, form_from_venue(venue), venue)


@router.post("/venue/{venue_id}/edit")
async def save_venue(
    venue_id: uuid.UUID, request: Request, principal: PageUser, session: SessionDep
) -> Response:
    venue = await venues.access_venue(session, principal, venue_id, "manager")
    form = form_from_post(await request.form())
    special_hours = {day: hours for day, hours in venue.hours_exceptions.items() if hours}
    data, errors = to_venue_in(form, special_hours)
    if data is None:
        return _render_form(request, form, venue, errors=errors, status_code=422)
    await venues.update_venue(session, principal, venue.id, data)
    return _redirect(f"/venue/{venue.id}/edit?notice=saved")


# ---- photos ---------------------------------------------------------------------------


def _gallery(gallery: list[VenuePhoto]) -> list[dict[str, Any]]:
    """Each photo with the orders that "move up" and "move down" would post."""
    ids = [str(photo.id) for photo in gallery]
    rows = []
    for index, photo in enumerate(gallery):
        up = down = None
        if index > 0:
            up = [*ids[: index - 1], ids[index], ids[index - 1], *ids[index + 1 :]]
        if index < len(ids) - 1:
            down = [*ids[:index], ids[index + 1], ids[index], *ids[index + 2 :]]
        rows.append({"ref": photos.photo_ref(photo), "up": up, "down": down})
    return rows


async def _render_photos(
    request: Request,
    session: SessionDep,
    principal: Principal,
    venue_id: uuid.UUID,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    venue = await venues.access_venue(session, principal, venue_id, "manager")
    gallery = await photos.list_for_staff(session, principal, venue.id)
    context.setdefault("notice", _notice(request))
    return render(
        request,
        "venue_setup/photos.html",
        status_code=status_code,
        venue=venue,
        gallery=_gallery(gallery),
        max_photos=photos.MAX_PHOTOS,
        max_caption=photos.MAX_CAPTION,
        active="venue",
        **context,
    )


@router.get("/venue/{venue_id}/photos")
async def venue_photos_page(
    venue_id: uuid.UUID, request: Request, principal: PageUser, session: SessionDep
) -> Response:
    return await _render_photos(request, session, principal, venue_id)


def _upload_error(error: AppError) -> str:
    if isinstance(error, ImageRejected) and error.code in REJECTIONS:
        return _(REJECTIONS[error.code])
    return error.detail or _(error.title)


# Not under /venue/{id}/: the body-size limit is raised by path prefix for uploads only.
@router.post("/venue-photos/{venue_id}")
async def upload_venue_photo(
    venue_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    form = await request.form()
    upload = form.get("photo")
    data = await upload.read(photos.MAX_UPLOAD_BYTES + 1) if isinstance(upload, UploadFile) else b""
    caption = str(form.get("caption") or "")
    try:
        if not data:
            raise BadRequest(_("Choose a photo first."))
        image = await photos.prepare_upload(data)
        await photos.add_photo(session, runtime.media, principal, venue_id, image, caption)
    except (ImageRejected, BadRequest, Conflict, ValidationFailed) as error:
        return await _render_photos(
            request,
            session,
            principal,
            venue_id,
            status_code=error.status,
            form_error=_upload_error(error),
            new_caption=caption,
        )
    return _redirect(f"/venue/{venue_id}/photos?notice=uploaded")


@router.post("/venue/{venue_id}/photos/order")
async def reorder_venue_photos(
    venue_id: uuid.UUID, request: Request, principal: PageUser, session: SessionDep
) -> Response:
    form = await request.form()
    try:
        ids = [uuid.UUID(str(value)) for value in form.getlist("photo_ids")]
        await photos.reorder(session, principal, venue_id, ids)
    except (ValueError, ValidationFailed):
        # The page was stale (a photo added or deleted elsewhere): show the current order.
        return _redirect(f"/venue/{venue_id}/photos")
    return _redirect(f"/venue/{venue_id}/photos?notice=ordered")


@router.post("/venue/{venue_id}/photos/{photo_id}/caption")
async def caption_venue_photo(
    venue_id: uuid.UUID,
    photo_id: uuid.UUID,
    request: Request,
    principal: PageUser,
    session: SessionDep,
) -> Response:
    caption = (await read_form(request, "caption"))["caption"]
    try:
        await photos.set_caption(session, principal, photo_id, caption)
    except ValidationFailed as error:
        return await _render_photos(
            request,
            session,
            principal,
            venue_id,
            status_code=error.status,
            caption_errors={str(photo_id): error.detail},
            caption_values={str(photo_id): caption},
        )
    return _redirect(f"/venue/{venue_id}/photos?notice=captioned#photo-{photo_id}")


@router.post("/venue/{venue_id}/photos/{photo_id}/delete")
async def delete_venue_photo(
    venue_id: uuid.UUID,
    photo_id: uuid.UUID,
    principal: PageUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    await photos.delete_photo(session, runtime.media, principal, photo_id)
    return _redirect(f"/venue/{venue_id}/photos?notice=deleted")


# ---- the admins' review queue ------------------------------------------------------------


@router.get("/admin/venues")
async def review_queue_page(request: Request, admin: AdminPage, session: SessionDep) -> Response:
    queue = {
        status: await repository.venues_with_status(session, admin.tenant_id, status)
        for status in REVIEW_STATUSES
    }
    pending_photos = {
        venue.id: await photos.list_public(session, admin.tenant_id, venue.id)
        for venue in queue["pending"]
    }
    return render(
        request,
        "venue_setup/admin_venues.html",
        queue=queue,
        decisions=DECISIONS,
        pending_photos=pending_photos,
        categories=CATEGORIES,
        city_labels={city.key: city.label for city in CITIES},
        notice=_notice(request),
        active="admin-venues",
    )


@router.post("/admin/venues/{venue_id}/review")
async def review_venue(
    venue_id: uuid.UUID, request: Request, admin: AdminPage, session: SessionDep
) -> Response:
    decision = (await read_form(request, "decision"))["decision"]
    if decision not in ("approve", "reject", "suspend", "reinstate"):
        return _redirect("/admin/venues?notice=stale")
    try:
        await venues.review_venue(
            session, admin, venue_id, ReviewIn.model_validate({"decision": decision})
        )
    except Conflict:
        return _redirect("/admin/venues?notice=stale")
    return _redirect(f"/admin/venues?notice=reviewed#venue-{venue_id}")

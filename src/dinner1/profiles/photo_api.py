"""Photo upload and the authorized photo endpoint."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, UploadFile, status
from pydantic import BaseModel, ConfigDict
from starlette.responses import Response

from dinner1.accounts.auth import CurrentPrincipal
from dinner1.core.deps import RuntimeDep, SessionDep
from dinner1.core.errors import BadRequest
from dinner1.locale.service import gettext as _
from dinner1.profiles import photos

router = APIRouter(prefix="/api/v1", tags=["profiles"])


class PhotoOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    position: int
    width: int
    height: int
    status: str
    review_reason: str | None
    created_at: datetime


@router.post("/profile/photos", status_code=status.HTTP_201_CREATED, response_model=PhotoOut)
async def upload_photo(
    photo: UploadFile, principal: CurrentPrincipal, session: SessionDep, runtime: RuntimeDep
) -> PhotoOut:
    """Add a photo (JPEG, PNG or WebP up to 10 MB); metadata and location are stripped."""
    data = await photo.read(photos.MAX_UPLOAD_BYTES + 1)
    if not data:
        raise BadRequest(_("The photo is empty."))
    stored = await photos.add_photo(
        session, runtime.media, principal.tenant_id, principal.user_id, data
    )
    return PhotoOut.model_validate(stored)


@router.get("/profile/photos", response_model=list[PhotoOut])
async def my_photos(principal: CurrentPrincipal, session: SessionDep) -> list[PhotoOut]:
    """Your photos and their review status."""
    found = await photos.list_photos(session, principal.tenant_id, principal.user_id)
    return [PhotoOut.model_validate(p) for p in found]


@router.delete("/profile/photos/{photo_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_photo(
    photo_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, runtime: RuntimeDep
) -> Response:
    """Delete one of your photos (and its files)."""
    await photos.delete_photo(
        session, runtime.media, principal.tenant_id, principal.user_id, photo_id
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/photos/{photo_id}", response_class=Response, responses={200: {"content": {"image/webp": {}}}}
)
async def photo(
    photo_id: uuid.UUID,
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    runtime: RuntimeDep,
    variant: Annotated[Literal["blurred", "full"], Query()] = "blurred",
) -> Response:
    """A photo as this viewer may see it: the sharp one only for its owner for now."""
    data, media_type = await photos.photo_bytes_for_viewer(
        session, runtime.media, principal.tenant_id, principal.user_id, photo_id, variant
    )
    return Response(
        data,
        media_type=media_type,
        headers={"Cache-Control": "private, max-age=300", "Content-Disposition": "inline"},
    )

"""The baseline: a bare Starlette JSON route, served exactly like Dinner1 (one uvicorn
process, httptools, uvloop, no access log)."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def me(_request: Request) -> JSONResponse:
    return JSONResponse({"id": "00000000-0000-0000-0000-000000000000", "display_name": "Bench"})


app = Starlette(routes=[Route("/api/v1/me", me)])

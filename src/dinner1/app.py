"""`create_app()`: routers, middleware and lifespan. Nothing runs at import."""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from dinner1 import __version__
from dinner1.accounts.api import router as accounts_router
from dinner1.bookings.api import router as bookings_router
from dinner1.config import Settings, load_settings
from dinner1.core import health
from dinner1.core.logging import configure_logging
from dinner1.core.metrics import metrics_endpoint
from dinner1.core.middleware import CsrfGuard, RequestContextMiddleware
from dinner1.core.problems import install_error_handlers
from dinner1.deals.api import router as deals_router
from dinner1.deals.autopost_api import router as autopost_router
from dinner1.mail.api import router as mail_router
from dinner1.matching.api import router as matching_router
from dinner1.privacy.api import router as privacy_router
from dinner1.profiles.api import router as profiles_router
from dinner1.profiles.photo_api import router as photos_router
from dinner1.runtime import start_runtime, stop_runtime
from dinner1.safety.api import router as safety_router
from dinner1.safety.cases_api import router as cases_router
from dinner1.safety.verification_api import router as verification_router
from dinner1.venues.api import router as venues_router
from dinner1.venues.photo_api import router as venue_photos_router
from dinner1.web import STATIC_DIR, plotly_js_dir, swagger_ui_dir
from dinner1.web.errors import render_html_error
from dinner1.web.pages import router as pages_router

API_DESCRIPTION = """Dinner1 public API. Authenticate with `POST /api/v1/auth/login`, then send
`Authorization: Bearer <access_token>`. Errors are RFC 9457 problem documents whose `type`
is stable."""


def create_served_app() -> FastAPI:
    """What `dinner1 serve` runs in each worker process: JSON logs, then the app."""
    configure_logging(os.environ.get("DINNER1_LOG_LEVEL", "INFO"))
    return create_app()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await start_runtime(settings)
        try:
            await runtime.tenants.refresh(force=True)
            app.state.runtime = runtime
            # Everything built so far lives as long as the process: move it out of the
            # collector's reach so full collections stay short under load.
            gc.collect()
            gc.freeze()
            _, older, oldest = gc.get_threshold()
            gc.set_threshold(settings.http.gc_young_threshold, older, oldest)
            yield
        finally:
            await stop_runtime(runtime)

    app = FastAPI(
        title="Dinner1",
        version=__version__,
        description=API_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        # Metrics are Prometheus's (core/metrics.py); FastAPI's own OpenTelemetry hooks
        # would only add per-request checks.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.html_error_renderer = render_html_error
    install_error_handlers(app)

    app.include_router(health.router)
    app.include_router(accounts_router)
    app.include_router(profiles_router)
    app.include_router(photos_router)
    app.include_router(safety_router)
    app.include_router(cases_router)
    app.include_router(verification_router)
    app.include_router(privacy_router)
    app.include_router(venues_router)
    app.include_router(venue_photos_router)
    app.include_router(autopost_router)
    app.include_router(deals_router)
    app.include_router(bookings_router)
    app.include_router(matching_router)
    app.include_router(mail_router)
    app.include_router(pages_router)
    if settings.http.metrics_enabled:
        app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    app.mount("/static/plotly", StaticFiles(directory=str(plotly_js_dir())), name="plotly")
    app.mount("/static/swagger", StaticFiles(directory=str(swagger_ui_dir())), name="swagger")
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    # One layer: request id, tenant, body limit, CSRF, headers, logs, metrics.
    app.add_middleware(
        RequestContextMiddleware,
        csrf=CsrfGuard(
            secret=settings.secret_key_value(),
            secure_cookie=settings.security.cookie_secure,
            trust_proxy=settings.http.trust_proxy_headers,
        ),
        trust_proxy=settings.http.trust_proxy_headers,
        access_log_mode=settings.http.access_log,
        max_body_bytes=settings.http.max_body_bytes,
        larger_bodies={
            "/api/v1/profile/photos": settings.http.upload_max_bytes,
            "/profile/photos": settings.http.upload_max_bytes,
            "/api/v1/venue-photos": settings.http.upload_max_bytes,
            "/venue-photos/": settings.http.upload_max_bytes,
            "/api/v1/verification/selfie": settings.http.upload_max_bytes,
        },
    )
    return app

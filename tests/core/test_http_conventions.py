from __future__ import annotations

import gc

import httpx
from sqlalchemy import func, select

from dinner1.accounts.models import User
from dinner1.runtime import Runtime


async def user_count(runtime: Runtime) -> int:
    async with runtime.db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def test_malformed_json_is_a_400_problem_and_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    before = await user_count(runtime)
    response = await client.post(
        "/api/v1/auth/register",
        content=b'{"email": "a@example.com", "password": ',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "https://dinner1.app/problems/malformed-body"
    assert body["status"] == 400
    assert body["instance"] == "/api/v1/auth/register"
    assert await user_count(runtime) == before


async def test_a_json_array_instead_of_an_object_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/auth/login", json=["a", "b"])
    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"


async def test_unknown_fields_are_refused_by_name(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    before = await user_count(runtime)
    response = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "x@example.com",
            "password": "a long enough passphrase",
            "date_of_birth": "1990-01-01",
            "display_name": "X",
            "role": "admin",
        },
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/validation-error")
    assert {
        "loc": ["body", "role"],
        "msg": "Extra inputs are not permitted",
        "type": "extra_forbidden",
    } in problem["errors"]
    assert await user_count(runtime) == before


async def test_validation_errors_never_echo_inputs(client: httpx.AsyncClient) -> None:
    secret = "my-secret-password-value"
    response = await client.post("/api/v1/auth/login", json={"email": "", "password": secret})
    assert response.status_code == 422
    assert secret not in response.text


async def test_oversized_bodies_are_refused_before_reading(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    limit = runtime.settings.http.max_body_bytes
    before = await user_count(runtime)
    response = await client.post(
        "/api/v1/auth/register",
        content=b"{" + b" " * (limit + 10) + b"}",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["type"].endswith("/payload-too-large")
    assert await user_count(runtime) == before


async def test_oversized_streamed_bodies_are_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    limit = runtime.settings.http.max_body_bytes

    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(limit // 65536 + 2):
            yield b" " * 65536

    response = await client.post(
        "/api/v1/auth/login", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


async def test_unknown_routes_and_methods_are_problems(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["type"].endswith("/not-found")
    wrong_method = await client.delete("/api/v1/me")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["type"].endswith("/method-not-allowed")


async def test_every_response_has_a_request_id_and_security_headers(
    client: httpx.AsyncClient,
) -> None:
    for path in ("/healthz", "/api/v1/me", "/", "/nothing"):
        response = await client.get(path)
        assert len(response.headers["x-request-id"]) >= 16
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in response.headers  # plain HTTP here


async def test_a_sane_incoming_request_id_is_kept(client: httpx.AsyncClient) -> None:
    kept = await client.get("/healthz", headers={"X-Request-ID": "abc123-from-the-lb"})
    assert kept.headers["x-request-id"] == "abc123-from-the-lb"
    replaced = await client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert replaced.headers["x-request-id"] != "bad id\nwith newline"


async def test_hsts_is_sent_over_https(app: object) -> None:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as secure:
        response = await secure.get("/healthz")
    assert "max-age=" in response.headers["strict-transport-security"]


async def test_health_readiness_and_metrics(client: httpx.AsyncClient, runtime: Runtime) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"
    if runtime.redis is not None:
        assert ready.json()["checks"]["redis"] == "ok"
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert 'dinner1_http_requests_total{method="GET",route="/healthz",status="200"}' in metrics.text


async def test_readiness_reports_a_dead_database(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    await runtime.db.engine.dispose()
    runtime.db.engine.pool._creator = _refuse  # type: ignore[attr-defined]
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("error")


def _refuse(*_args: object, **_kwargs: object) -> object:
    raise ConnectionRefusedError("database is down")


async def test_openapi_documents_the_auth_endpoints(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for path in (
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/password/reset",
        "/api/v1/me",
    ):
        assert path in spec["paths"], path
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "/static/swagger/swagger-ui-bundle.js" in docs.text
    assert (await client.get("/static/swagger/swagger-ui-bundle.js")).status_code == 200


async def test_a_refused_body_still_carries_the_request_id_and_headers(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    limit = runtime.settings.http.max_body_bytes
    response = await client.post(
        "/api/v1/auth/register",
        content=b"{" + b" " * (limit + 10) + b"}",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["x-request-id"]
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_photo_uploads_may_be_larger_than_other_bodies(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # Over the general limit but under the upload limit: refused later, for being
    # anonymous, not for its size.
    size = runtime.settings.http.max_body_bytes + 10
    assert size < runtime.settings.http.upload_max_bytes
    response = await client.post(
        "/api/v1/profile/photos",
        content=b"x" * size,
        headers={"content-type": "application/octet-stream"},
    )
    assert response.status_code == 401


async def test_a_page_hands_out_the_csrf_cookie_and_the_api_does_not(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/login")
    assert page.status_code == 200
    cookie = next(v for v in page.headers.get_list("set-cookie") if v.startswith("d1_csrf="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    api = await client.get("/healthz")
    assert not any(v.startswith("d1_csrf=") for v in api.headers.get_list("set-cookie"))


async def test_the_app_collects_young_objects_at_the_configured_threshold(
    runtime: Runtime,
) -> None:
    assert gc.get_threshold()[0] == runtime.settings.http.gc_young_threshold

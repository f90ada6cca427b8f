"""Every error the app can answer is an RFC 9457 problem, and leaks nothing."""

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.main import create_app
from tests.app_client import app_client

TASKS = "/api/v1/tasks"
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "code"}


def assert_problem(
    response: httpx.Response, status: int, code: str
) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, object] = response.json()
    assert set(problem) >= PROBLEM_KEYS
    assert problem["status"] == status
    assert problem["code"] == code
    assert "Traceback" not in response.text
    return problem


async def test_unknown_route_is_404_with_path_only_instance(
    client: httpx.AsyncClient,
) -> None:
    """`instance` is the path: a query string may carry a token."""
    response = await client.get("/nowhere", params={"token": "s3cret"})

    problem = assert_problem(response, 404, "not-found")
    assert problem["instance"] == "/nowhere"
    assert problem["type"] == "about:blank"
    assert "s3cret" not in response.text


async def test_wrong_method_is_405_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.put("/api/v1/users/me")

    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "GET, HEAD, DELETE"  # every route of it


async def test_validation_error_lists_fields_without_input(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """422 names each bad field; the rejected values are not echoed."""
    body = {"title": "", "budget": {"amount": "1.234", "currency": "XXX"}, "x": 1}

    response = await client.post(TASKS, json=body, headers=auth_headers)

    problem = assert_problem(response, 422, "validation-error")
    errors = problem["errors"]
    assert isinstance(errors, list)
    assert {tuple(error["loc"]) for error in errors} == {
        ("body", "title"),
        ("body", "budget", "amount"),
        ("body", "budget", "currency"),
        ("body", "x"),
    }
    assert all(set(error) == {"loc", "message", "type"} for error in errors)


async def test_malformed_json_is_422(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    headers = auth_headers | {"Content-Type": "application/json"}

    response = await client.post(TASKS, content=b"{not json", headers=headers)

    assert_problem(response, 422, "validation-error")


async def test_body_that_is_not_utf8_is_400(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    headers = auth_headers | {"Content-Type": "application/json"}

    response = await client.post(TASKS, content=b'"\xff"', headers=headers)

    assert_problem(response, 400, "bad-request")


async def test_non_json_body_is_415(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """JSON endpoints refuse other media types instead of a confusing 422."""
    response = await client.post(
        TASKS, data={"title": "form-encoded"}, headers=auth_headers
    )

    assert_problem(response, 415, "unsupported-media-type")


async def test_declared_oversized_body_is_413(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """A Content-Length over the cap is refused before the body is read."""
    big = {"title": "x", "description": "y" * 70_000}

    response = await client.post(TASKS, json=big, headers=auth_headers)

    assert_problem(response, 413, "content-too-large")
    assert "x-request-id" in response.headers


async def test_streamed_oversized_body_is_413(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """A chunked body without Content-Length is counted while it streams."""

    async def chunks() -> object:
        for _ in range(10):
            yield b" " * 8_000

    headers = auth_headers | {"Content-Type": "application/json"}
    response = await client.post(TASKS, content=chunks(), headers=headers)  # type: ignore[arg-type]  # an async byte stream

    assert_problem(response, 413, "content-too-large")


async def test_unhandled_error_is_a_generic_500(settings: Settings) -> None:
    """A crash is a bland problem for the client and a traceback in the log."""
    app: FastAPI = create_app(settings)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("password=hunter2 in a stack trace")

    async with app_client(app, raise_app_exceptions=False) as client:
        response = await client.get("/boom", headers={"X-Request-ID": "abc-123"})

    problem = assert_problem(response, 500, "internal-error")
    assert problem["detail"] == "An unexpected error occurred."
    assert "hunter2" not in response.text
    assert response.headers["x-request-id"] == "abc-123"


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("abc-123", True), ("bad id\r\nInjected: 1", False), ("x" * 65, False)],
)
async def test_request_id_is_echoed_only_when_safe(
    client: httpx.AsyncClient, sent: str, *, kept: bool
) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": sent})

    assert (response.headers["x-request-id"] == sent) is kept
    assert len(response.headers["x-request-id"]) <= 64


async def test_security_headers_and_hidden_docs(client: httpx.AsyncClient) -> None:
    """Every response is hardened; docs are off unless DOCS_ENABLED is set."""
    response = await client.get("/healthz")

    assert response.json() == {"status": "ok"}
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert (await client.get(path)).status_code == 404

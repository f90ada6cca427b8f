"""HTTP details a generic client relies on: HEAD, Allow, redirects, codings, 204."""

import json
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.main import create_app
from tests.app_client import app_client

TASKS = "/api/v1/tasks"
SNAPSHOT = Path(__file__).parents[1] / "contract" / "openapi.snapshot.json"
SECURITY = ("x-content-type-options", "strict-transport-security", "x-frame-options")
ORIGIN = "https://app.example.com"


async def fill_a_page_worth_compressing(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    """Enough tasks that the first page is over GZip's 1 KiB threshold."""
    for index in range(12):
        body = {"title": f"task {index}", "description": "x" * 100}
        await client.post(TASKS, json=body, headers=headers)


async def test_a_500_carries_the_same_headers_as_any_response(
    settings: Settings,
) -> None:
    """Request ID, security headers and CORS on a crash too (issue 10 #7)."""
    app: FastAPI = create_app(settings.model_copy(update={"cors_origins": [ORIGIN]}))

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("password=hunter2 in a stack trace")

    async with app_client(app, raise_app_exceptions=False) as client:
        ok = await client.get("/healthz", headers={"Origin": ORIGIN})
        crash = await client.get("/boom", headers={"Origin": ORIGIN})

    assert crash.status_code == 500
    assert crash.headers["content-type"] == "application/problem+json"
    assert "hunter2" not in crash.text
    assert crash.headers.get("x-request-id"), "no request ID on the 500"
    for name in (*SECURITY, "access-control-allow-origin"):
        assert crash.headers.get(name) == ok.headers[name], name


@pytest.mark.parametrize(
    "instant", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"]
)
async def test_dates_at_the_year_limits_are_a_422(
    client: httpx.AsyncClient, auth_headers: dict[str, str], instant: str
) -> None:
    """Valid RFC 3339 whose UTC form leaves years 1-9999: 422, not 500 (#8)."""
    body = await client.post(
        TASKS, json={"title": "t", "due_at": instant}, headers=auth_headers
    )
    query = await client.get(
        TASKS, params={"due_before": instant}, headers=auth_headers
    )

    for response in (body, query):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("sent", ["532942", "2027-01-01", "2027-01-01 10:00:00Z"])
async def test_due_before_is_rfc3339_only(
    client: httpx.AsyncClient, auth_headers: dict[str, str], sent: str
) -> None:
    """Epoch seconds, a bare date or a space separator are not RFC 3339 (#13)."""
    response = await client.get(
        TASKS, params={"due_before": sent}, headers=auth_headers
    )

    assert response.status_code == 422, response.text


async def test_a_number_is_not_a_due_date(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    response = await client.post(
        TASKS, json={"title": "t", "due_at": 1_700_000_000}, headers=auth_headers
    )

    assert response.status_code == 422, response.text


async def test_a_head_has_the_headers_of_its_get_when_the_get_is_compressed(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """RFC 9110 §9.3.2: the same header fields as GET, coding and length included."""
    await fill_a_page_worth_compressing(client, auth_headers)
    asked = {**auth_headers, "Accept-Encoding": "gzip"}

    get = await client.get(TASKS, headers=asked)
    head = await client.head(TASKS, headers=asked)

    assert get.headers["content-encoding"] == "gzip"
    assert head.content == b""
    for name in ("content-encoding", "content-length", "etag", "vary"):
        assert head.headers.get(name) == get.headers.get(name), name


async def test_head_answers_on_get_routes(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """HEAD is GET without the body (RFC 9110 §9.3.2), not a 405 (#14)."""
    get = await client.get(TASKS, headers=auth_headers)
    head = await client.head(TASKS, headers=auth_headers)

    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert (await client.head("/healthz")).status_code == 200


async def test_405_allow_lists_every_method_of_the_path(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    task = (await client.post(TASKS, json={"title": "t"}, headers=auth_headers)).json()

    response = await client.post(f"{TASKS}/{task['id']}", headers=auth_headers)

    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert allowed == {"GET", "HEAD", "PATCH", "PUT", "DELETE"}


async def test_no_fixed_path_beside_a_task_id_is_taken_for_one(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """`export`, `summary`, `imports`: no UUID, so `/{task_id}` must not catch
    their other methods.

    Before, `PUT /export` was a 422 (a bad UUID) and `PUT /summary` a 415.
    """
    # The pinned document (a contract test keeps it equal to the app's).
    paths = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["paths"]
    fixed = [p for p in paths if p.startswith(f"{TASKS}/") and "{" not in p]
    assert fixed, "the document lists the fixed task paths"
    for path in fixed:
        documented = {method.upper() for method in paths[path]}
        expected = documented | ({"HEAD"} if "GET" in documented else set())
        for method, body in (
            ("GET", None),
            ("POST", {"title": "t"}),
            ("PUT", None),
            ("PATCH", {"title": "t"}),
            ("DELETE", None),
        ):
            if method in documented:
                continue
            response = await client.request(
                method, path, json=body, headers=auth_headers
            )

            assert response.status_code == 405, (method, path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            allow = {m.strip() for m in response.headers["allow"].split(",")}
            assert allow == expected, (method, path)


async def test_no_redirect_echoes_the_host_header(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """A trailing slash is a 404 problem, never a redirect to the sent Host."""
    response = await client.get(
        f"{TASKS}/", headers={**auth_headers, "Host": "evil.example"}
    )

    assert response.status_code == 404
    assert "evil.example" not in response.headers.get("location", "")
    assert response.headers["content-type"] == "application/problem+json"


async def test_204_has_no_content_type(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    task = (await client.post(TASKS, json={"title": "t"}, headers=auth_headers)).json()

    response = await client.delete(f"{TASKS}/{task['id']}", headers=auth_headers)

    assert response.status_code == 204
    assert response.content == b""
    assert "content-type" not in response.headers


async def test_gzip_body_has_its_own_etag_and_both_validate(
    client: httpx.AsyncClient, auth_headers: dict[str, str]
) -> None:
    """Two codings are two representations: one strong ETag each (RFC 9110 §8.8.3)."""
    await fill_a_page_worth_compressing(client, auth_headers)

    plain = await client.get(
        TASKS, headers={**auth_headers, "Accept-Encoding": "identity"}
    )
    zipped = await client.get(
        TASKS, headers={**auth_headers, "Accept-Encoding": "gzip"}
    )

    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert zipped.headers["etag"] != plain.headers["etag"]
    assert not zipped.headers["etag"].startswith("W/")
    for etag in (plain.headers["etag"], zipped.headers["etag"]):
        again = await client.get(TASKS, headers={**auth_headers, "If-None-Match": etag})
        assert again.status_code == 304, etag


@pytest.mark.parametrize("coding", ["gzip", "identity"])
async def test_a_304_names_the_representation_the_client_holds(
    client: httpx.AsyncClient, auth_headers: dict[str, str], coding: str
) -> None:
    """A 304 carries the ETag its 200 would have carried (RFC 9110 §15.4.5).

    Else a cache that holds the gzip body relabels it with the identity tag.
    """
    await fill_a_page_worth_compressing(client, auth_headers)
    asked = {**auth_headers, "Accept-Encoding": coding}

    first = await client.get(TASKS, headers=asked)
    again = await client.get(
        TASKS, headers={**asked, "If-None-Match": first.headers["etag"]}
    )

    assert again.status_code == 304
    assert again.headers["etag"] == first.headers["etag"]
    vary = {v.strip().lower() for v in again.headers["vary"].split(",")}
    assert {v.strip().lower() for v in first.headers["vary"].split(",")} <= vary


@pytest.mark.parametrize(
    ("coding", "sent", "expected"),
    [
        ("identity", "{gzip}, {plain}", "{plain}"),  # a cache with both copies
        ("gzip", "{plain}, {gzip}", "{gzip}"),
        ("gzip", "W/{gzip}", "W/{gzip}"),  # the client's own tag, weak stays weak
    ],
    ids=["identity-client-both-tags", "gzip-client-both-tags", "weak"],
)
async def test_a_304_picks_the_tag_of_the_body_this_request_would_get(
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    coding: str,
    sent: str,
    expected: str,
) -> None:
    """A cache that asks with both tags refreshes the copy it will serve.

    A client that takes no gzip must not get the gzip body (RFC 9111 §4.3.4).
    """
    await fill_a_page_worth_compressing(client, auth_headers)
    tags = {
        name: (
            await client.get(TASKS, headers={**auth_headers, "Accept-Encoding": name})
        ).headers["etag"]
        for name in ("identity", "gzip")
    }
    fill = {"plain": tags["identity"], "gzip": tags["gzip"]}

    again = await client.get(
        TASKS,
        headers={
            **auth_headers,
            "Accept-Encoding": coding,
            "If-None-Match": sent.format(**fill),
        },
    )

    assert again.status_code == 304
    assert again.headers["etag"] == expected.format(**fill)


@pytest.mark.parametrize(
    ("origin", "method", "headers", "refused"),
    [
        ("https://evil.example", "GET", None, "origin"),
        (ORIGIN, "TRACE", None, "method"),
        (ORIGIN, "GET", "X-Debug-Token", "headers"),
    ],
    ids=["origin", "method", "header"],
)
async def test_a_refused_cors_preflight_is_a_problem_document(
    settings: Settings, origin: str, method: str, headers: str | None, refused: str
) -> None:
    """Starlette answers a refused preflight in plain text; ours is RFC 9457 (#7)."""
    app: FastAPI = create_app(settings.model_copy(update={"cors_origins": [ORIGIN]}))
    asked = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        asked["Access-Control-Request-Headers"] = headers
    async with app_client(app) as client:
        allowed = await client.options(
            TASKS, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
        )
        response = await client.options(TASKS, headers=asked)

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "cors-preflight-refused"
    assert problem["instance"] == TASKS
    assert refused in problem["detail"]
    assert response.headers.get("x-request-id")
    for name in SECURITY:
        assert response.headers.get(name) == allowed.headers[name], name


# The value is a bound parameter, cast from text: asyncpg binds a timestamptz
# parameter from datetime objects only.
WRITE_INSTANT = {
    "task_due_at": (
        "UPDATE task SET due_at = CAST(CAST(:value AS text) AS timestamptz)"
    ),
    "task_created_at": (
        "UPDATE task SET created_at = CAST(CAST(:value AS text) AS timestamptz)"
    ),
    "task_updated_at": (
        "UPDATE task SET updated_at = CAST(CAST(:value AS text) AS timestamptz)"
    ),
    "user_account_created_at": (
        "UPDATE user_account SET created_at = CAST(CAST(:value AS text) AS timestamptz)"
    ),
}


@pytest.mark.parametrize("instant", ["infinity", "-infinity"])
@pytest.mark.parametrize("column", list(WRITE_INSTANT))
async def test_the_database_refuses_a_date_the_api_cannot_write(
    *,
    client: httpx.AsyncClient,
    auth_headers: dict[str, str],
    sessions: async_sessionmaker[AsyncSession],
    column: str,
    instant: str,
) -> None:
    """PostgreSQL stores ±infinity; the API cannot write it, so its reads would 500.

    A value written by another tool (a script, psql) must fail at the write.
    """
    me = (await client.get("/api/v1/users/me", headers=auth_headers)).json()
    await client.post(TASKS, json={"title": "mine"}, headers=auth_headers)
    with pytest.raises(IntegrityError, match=f"{column}_finite_check"):
        async with sessions.begin() as session:
            await session.execute(text(WRITE_INSTANT[column]), {"value": instant})

    assert (await client.get(TASKS, headers=auth_headers)).status_code == 200
    assert (await client.get("/api/v1/users/me", headers=auth_headers)).json() == me

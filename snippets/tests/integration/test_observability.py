"""Real log output and /metrics: request IDs everywhere, no secret anywhere."""

import json
import logging

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from app.core.config import Settings
from app.core.logging import configure_logging
from app.main import create_app
from tests.app_client import app_client

METRICS_TOKEN = "scraper-token-of-the-tests"
SCRAPER = {"Authorization": f"Bearer {METRICS_TOKEN}"}
SECRETS = ("s3cret-token", "hunter2", "ada@example.com", "Bearer abc")


async def test_log_lines_carry_the_request_id_and_no_secret(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """Access log with a secret query, an e-mail in a message, a crash."""
    app = create_app(settings)

    @app.get("/boom")
    async def boom() -> None:
        logging.getLogger("app.test").info("sending to ada@example.com")
        raise RuntimeError("password=hunter2 for ada@example.com")

    async with app_client(app, raise_app_exceptions=False) as client:
        capsys.readouterr()  # only what this request writes
        response = await client.get(
            "/boom?token=s3cret-token&email=ada@example.com&page=2",
            headers={"X-Request-ID": "rid-42", "Authorization": "Bearer abc"},
        )

    out = capsys.readouterr().out
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert response.status_code == 500
    app_lines = [line for line in lines if line["logger"] != "httpx"]  # the client
    assert {line["request_id"] for line in app_lines} == {"rid-42"}
    access = next(line for line in lines if line["logger"] == "app.access")
    assert access["query"] == "token=***&email=***&page=2"
    assert any("exc_info" in line for line in lines)
    for secret in SECRETS:
        assert secret not in out


async def scrape(app: FastAPI, *paths: str, method: str = "GET") -> str:
    async with app_client(app) as client:
        for path in paths:
            await client.request(method, path)
        metrics = await client.get("/metrics", headers=SCRAPER)
    assert metrics.status_code == 200, metrics.text
    assert metrics.headers["content-type"].startswith("text/plain")
    return metrics.text


async def test_metrics_use_route_templates_problem_codes_and_pool_gauges(
    settings: Settings,
) -> None:
    """Labels are templates, not IDs; each app counts only its own requests."""
    task = "/api/v1/tasks/0b8e4a52-53cb-4b47-a4b4-6f1f3dcb3f5c"

    settings = settings.model_copy(update={"metrics_token": SecretStr(METRICS_TOKEN)})
    text = await scrape(create_app(settings), "/healthz", task, "/no/such/path")
    other = await scrape(create_app(settings))

    assert 'route="/api/v1/tasks/{task_id}",status="401"' in text
    assert 'route="unmatched",status="404"' in text
    assert "0b8e4a52" not in text
    assert 'http_problems_total{code="unauthorized",status="401"} 1.0' in text
    assert "http_request_duration_seconds_bucket" in text
    assert "db_pool_size 10.0" in text
    assert "db_pool_checked_out" in text
    assert 'route="/healthz"' not in other  # a fresh registry per app


async def test_a_head_is_counted_under_its_routes_template(
    settings: Settings,
) -> None:
    """HEAD runs as its GET (a copy of the scope): the route label must survive."""
    settings = settings.model_copy(update={"metrics_token": SecretStr(METRICS_TOKEN)})
    text = await scrape(create_app(settings), "/healthz", method="HEAD")

    assert 'method="HEAD",route="/healthz",status="200"' in text
    assert 'method="HEAD",route="unmatched"' not in text


async def test_a_head_that_crashes_is_counted_under_its_routes_template(
    settings: Settings,
) -> None:
    """The 500 of a crashing HEAD still names the route that crashed."""
    settings = settings.model_copy(update={"metrics_token": SecretStr(METRICS_TOKEN)})
    app = create_app(settings)

    @app.get("/boom/{part}")
    async def boom(part: str) -> None:
        raise RuntimeError(part)

    text = await scrape(app, "/boom/1", method="HEAD")

    assert 'method="HEAD",route="/boom/{part}",status="500"' in text


def test_configure_logging_is_left_to_the_lifespan(settings: Settings) -> None:
    """Building an app touches no global logging state."""
    configure_logging("WARNING")
    create_app(settings)

    assert logging.getLogger().level == logging.WARNING
    configure_logging("INFO")


@pytest.mark.parametrize(
    ("token", "sent", "status"),
    [
        (None, "", 404),
        (None, "Bearer anything-at-all-1234", 404),
        (METRICS_TOKEN, "", 401),
        (METRICS_TOKEN, "Bearer wrong-token-of-the-tests", 401),
        (METRICS_TOKEN, METRICS_TOKEN, 401),  # the scheme is part of it
        (METRICS_TOKEN, f"Bearer {METRICS_TOKEN}", 200),
    ],
)
async def test_metrics_need_the_scraper_token(
    settings: Settings, token: str | None, sent: str, status: int
) -> None:
    """No token configured: no endpoint; otherwise only the exact bearer token."""
    secret = SecretStr(token) if token else None
    app = create_app(settings.model_copy(update={"metrics_token": secret}))
    async with app_client(app) as client:
        headers = {"Authorization": sent} if sent else {}
        response = await client.get("/metrics", headers=headers)

    assert response.status_code == status, response.text
    if status != 200:
        assert response.headers["content-type"] == "application/problem+json"
        assert "http_requests_total" not in response.text
    if status == 401:
        assert response.headers["www-authenticate"] == "Bearer"

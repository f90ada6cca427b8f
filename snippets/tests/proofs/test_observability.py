"""Proofs of the Logging and Observability rules: the real app's logs and metrics."""

import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import SpanKind
from pydantic import BaseModel, SecretStr, ValidationError

from app.core import tracing
from app.core.config import Settings
from app.core.logging import MAX_SCRUBBED_CHARS, configure_logging, request_id_var
from app.core.metrics import Metrics
from app.infra.clients.http import create_http_client
from app.infra.clients.webhook import post_webhook
from app.main import create_app
from demos import (
    obs_average_latency,
    obs_bare_client,
    obs_debug_default,
    obs_hardcoded_exporter,
    obs_path_labels,
    obs_secret_in_repr,
    obs_text_log,
    obs_unvalidated_request_id,
    rid_discarded_adapter,
)
from tests.app_client import app_client
from tests.factories import UserCreateFactory
from tests.servers import webhook_receiver

SECRET = "hunter2-correct-horse-battery"  # a test value
# The real app from its factory; nothing here reaches this database.
OFFLINE = Settings(
    database_url=SecretStr("postgresql+asyncpg://u:p@127.0.0.1:9/none"),
    jwt_secret=SecretStr("x" * 32),
    environment="test",
    metrics_token=SecretStr("scraper-token-of-the-proofs"),
)
SCRAPER = {"Authorization": "Bearer scraper-token-of-the-proofs"}
LogLines = list[dict[str, object]]


def log_lines(capsys: pytest.CaptureFixture[str]) -> LogLines:
    """The JSON lines the service's handler wrote to stdout since the last read."""
    out = capsys.readouterr().out
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    # The test's own client logs its calls too; those lines are not the app's.
    return [line for line in lines if "http://test/" not in str(line["message"])]


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app with its lifespan running (which sets up logging)."""
    async with app_client(app, raise_app_exceptions=False) as client:
        yield client


@pytest.fixture
def root_level() -> Iterator[None]:
    """Put the root logger's level back after a test changed it."""
    level = logging.getLogger().level
    yield
    logging.getLogger().setLevel(level)


async def webhook_answered() -> tuple[str, str]:
    """Do: the service's webhook client logs its outcome, the event ID as a key."""
    event_id = uuid.uuid4()
    transport = httpx.MockTransport(lambda _: httpx.Response(200))
    async with httpx.AsyncClient(transport=transport) as client:
        await post_webhook(
            client,
            "https://hooks.example/t",
            event_id=event_id,
            body=b"{}",
            budget_seconds=1,
        )
    return "event_id", str(event_id)


async def task_created_as_prose() -> tuple[str, str]:
    """Don't: the demo writes the task ID into the sentence."""
    task_id = uuid.uuid4()
    obs_text_log.log_task_created(task_id, "ada@example.com", "10.00 EUR")
    return "task_id", str(task_id)


# --8<-- [start:obs-001]
@pytest.mark.rule("OBS-001")
@pytest.mark.parametrize(
    ("log_event", "holds"),
    [(webhook_answered, True), (task_created_as_prose, False)],
    ids=["do", "dont"],
)
async def test_log_lines_are_json_with_the_data_in_keys(
    *,
    log_event: Callable[[], Awaitable[tuple[str, str]]],
    holds: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each line on stdout is one JSON object; the event's ID is a key of its own."""
    configure_logging("INFO")  # the handler the lifespan installs
    key, value = await log_event()
    line = log_lines(capsys)[-1]
    assert {"time", "level", "logger", "message", "request_id"} <= set(line)
    assert str(line["time"]).endswith("Z")
    assert (line.get(key) == value) is holds


# --8<-- [end:obs-001]


def service_logging() -> None:
    """Do: the level the service's settings give when LOG_LEVEL is unset."""
    configure_logging(OFFLINE.model_copy().log_level)


# --8<-- [start:obs-002]
@pytest.mark.rule("OBS-002")
@pytest.mark.parametrize(
    ("configure", "holds"),
    [(service_logging, True), (obs_debug_default.configure_logging, False)],
    ids=["do", "dont"],
)
@pytest.mark.usefixtures("root_level")
def test_the_log_level_defaults_to_info(
    *, configure: Callable[[], None], holds: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With LOG_LEVEL unset, the process logs at INFO: DEBUG lines are dropped."""
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    configure()
    assert (logging.getLogger().getEffectiveLevel() == logging.INFO) is holds


@pytest.mark.rule("OBS-002")
def test_a_mistyped_log_level_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """LOG_LEVEL=INFOO fails when the settings are built, not at the first log."""
    monkeypatch.setenv("LOG_LEVEL", "INFOO")
    with pytest.raises(ValidationError, match="log_level"):
        Settings(database_url=OFFLINE.database_url, jwt_secret=OFFLINE.jwt_secret)


# --8<-- [end:obs-002]

HOSTILE = "abc user=admin level=AUDIT"


def forged(fields: Mapping[str, object]) -> bool:
    """A collector's view of a line: did the caller's header add or change a field?"""
    return fields.get("level") != "INFO" or "user" in fields


# --8<-- [start:obs-003]
@pytest.mark.rule("OBS-003")
async def test_a_hostile_request_id_never_reaches_the_logs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An ID with spaces and `key=value` text is replaced; a log-safe one is kept."""
    async with serving(create_app(OFFLINE)) as client:
        log_lines(capsys)  # drop the start-up output
        hostile = await client.get("/healthz", headers={"X-Request-ID": HOSTILE})
        lines = log_lines(capsys)
        kept = await client.get("/healthz", headers={"X-Request-ID": "req-7f3c.1"})

    # Do: a fresh ID replaces the hostile one, in the header and on every line.
    new_id = hostile.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", new_id)
    assert lines
    assert all(line["request_id"] == new_id and not forged(line) for line in lines)
    assert kept.headers["X-Request-ID"] == "req-7f3c.1"
    # Don't: the unchecked header forges fields of a key=value log line.
    dont = obs_unvalidated_request_id
    assert forged(dont.parse(dont.log_line(HOSTILE, "refund-approved")))


# --8<-- [end:obs-003]


# --8<-- [start:obs-004]
@pytest.mark.rule("OBS-004")
async def test_every_line_of_a_request_carries_its_id(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """The access line and the background mail's line share the response's ID."""
    user = UserCreateFactory.build(factory_use_construct=False)
    async with serving(create_app(settings)) as client:  # the real, logging mailer
        log_lines(capsys)
        response = await client.post("/api/v1/users", json=user.model_dump(mode="json"))
        lines = log_lines(capsys)

    # Do: the filter stamps the contextvar's ID on every record of the request.
    assert response.status_code == 202, response.text
    assert {str(line["message"]) for line in lines} >= {"mail sent", "request"}
    assert {line["request_id"] for line in lines} == {response.headers["X-Request-ID"]}
    # Don't: the original's adapter is thrown away; its line has no ID.
    rid_discarded_adapter.handle_request("7f3c9a2e")
    assert log_lines(capsys)[-1]["request_id"] != "7f3c9a2e"


# --8<-- [end:obs-004]


def received_header(headers: dict[str, str], name: str) -> str | None:
    return {key.lower(): value for key, value in headers.items()}.get(name.lower())


# --8<-- [start:obs-005]
@pytest.mark.rule("OBS-005")
@pytest.mark.parametrize(
    ("make_client", "holds"),
    [(create_http_client, True), (obs_bare_client.create_http_client, False)],
    ids=["do", "dont"],
)
async def test_outgoing_calls_carry_the_request_id(
    *, make_client: Callable[[], httpx.AsyncClient], holds: bool
) -> None:
    """A partner's server receives the X-Request-ID of the request that called it."""
    token = request_id_var.set("req-7f3c")  # what the middleware does per request
    try:
        with webhook_receiver([200]) as partner:
            async with make_client() as client:
                await client.post(partner.url, content=b"{}")
    finally:
        request_id_var.reset(token)
    headers, _ = partner.received[0]
    assert (received_header(headers, "X-Request-ID") == "req-7f3c") is holds


# --8<-- [end:obs-005]


def service_settings() -> BaseModel:
    """Do: the service's settings, holding a secret."""
    return OFFLINE.model_copy(update={"jwt_secret": SecretStr(SECRET)})


def login_attempt() -> BaseModel:
    """Don't: the demo's model with a plain `str` password."""
    return obs_secret_in_repr.LoginAttempt(email="ada@example.com", password=SECRET)


# --8<-- [start:obs-006]
@pytest.mark.rule("OBS-006")
@pytest.mark.parametrize(
    ("make_model", "holds"),
    [(service_settings, True), (login_attempt, False)],
    ids=["do", "dont"],
)
def test_a_printed_model_hides_its_secrets(
    *, make_model: Callable[[], BaseModel], holds: bool
) -> None:
    """What a log line, a traceback or an error report shows of a model."""
    assert (SECRET not in repr(make_model())) is holds


@pytest.mark.rule("OBS-006")
async def test_sign_up_and_sign_in_log_no_address_or_password(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """The service's own lines of a registration and a sign-in: masked."""
    user = UserCreateFactory.build(factory_use_construct=False)
    async with serving(create_app(settings)) as client:
        log_lines(capsys)
        await client.post("/api/v1/users", json=user.model_dump(mode="json"))
        form = {"username": user.email, "password": user.password}
        signed_in = await client.post("/api/v1/auth/token", data=form)
        output = json.dumps(log_lines(capsys))

    assert signed_in.status_code == 200, signed_in.text
    assert '"email": "***"' in output  # the mail sender's line, masked
    assert user.email not in output
    assert user.password not in output


@pytest.mark.rule("OBS-006")
async def test_a_hostile_url_is_scrubbed_in_bounded_work(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """32 KB of near-misses in the path and query: one short line, no address."""
    hostile = "a." * 8_000 + "x@" + "a." * 8_000
    async with serving(create_app(settings)) as client:
        log_lines(capsys)
        await client.get(f"/healthz/{hostile}", params={"m": "ada@x.io", "q": hostile})
        (line,) = [line for line in log_lines(capsys) if line["message"] == "request"]

    assert str(line["path"]).endswith(f"[cut from {len(hostile) + 9} characters]")
    assert len(str(line["query"])) < 2 * MAX_SCRUBBED_CHARS
    assert "ada@x.io" not in json.dumps(line)


# --8<-- [end:obs-006]


def p99_service(durations: list[float]) -> float:
    """Do: the upper bound of the bucket holding the 99th percentile."""
    metrics = Metrics(pool=lambda: None)
    for seconds in durations:
        metrics.latency.labels("GET", "/api/v1/tasks").observe(seconds)
    buckets = [
        (float(sample.labels["le"]), sample.value)
        for family in metrics.registry.collect()
        for sample in family.samples
        if sample.name == "http_request_duration_seconds_bucket"
    ]
    total = max(count for _, count in buckets)
    return min(bound for bound, count in buckets if count >= 0.99 * total)


def p99_average(durations: list[float]) -> float:
    """Don't: the only number the demo exports is the mean."""
    latency = obs_average_latency.AverageLatency()
    for seconds in durations:
        latency.observe(seconds)
    return latency.average


# --8<-- [start:obs-007]
@pytest.mark.rule("OBS-007")
@pytest.mark.parametrize(
    ("slowest_percent", "holds"),
    [(p99_service, True), (p99_average, False)],
    ids=["do", "dont"],
)
def test_the_latency_metric_shows_the_slow_tail(
    *, slowest_percent: Callable[[list[float]], float], holds: bool
) -> None:
    """5 % of requests take 5 s: the exported latency must say more than 1 s."""
    durations = [0.01] * 95 + [5.0] * 5
    assert (slowest_percent(durations) > 1.0) is holds


@pytest.mark.rule("OBS-007")
async def test_metrics_cover_traffic_errors_pool_and_retries() -> None:
    """/metrics exports every family the rule names, errors by their stable code."""
    async with serving(create_app(OFFLINE)) as client:
        await client.get("/healthz")
        await client.get(f"/api/v1/tasks/{uuid.uuid4()}")  # no token: a 401
        text = (await client.get("/metrics", headers=SCRAPER)).text

    assert "http_request_duration_seconds_bucket{" in text
    assert 'http_requests_total{method="GET",route="/healthz",status="200"} 1.0' in text
    assert re.search(r'http_problems_total\{code="[a-z-]+",status="401"\} 1\.0', text)
    assert "db_pool_size 10.0" in text
    assert "db_pool_checked_out 0.0" in text
    assert "# TYPE http_client_retries_total counter" in text


# --8<-- [end:obs-007]


async def service_routes(paths: list[str]) -> set[str]:
    """Do: the `route` labels /metrics shows after requests to these paths."""
    async with serving(create_app(OFFLINE)) as client:
        for path in paths:
            await client.get(path)
        text = (await client.get("/metrics", headers=SCRAPER)).text
    return set(re.findall(r'http_requests_total\{[^}]*route="([^"]+)"', text))


async def demo_routes(paths: list[str]) -> set[str]:
    """Don't: the labels of the demo's counter after the same requests."""
    obs_path_labels.requests_total.clear()
    for path in paths:
        obs_path_labels.record("GET", path, 401)
    return {route for _, route, _ in obs_path_labels.requests_total}


# --8<-- [start:obs-008]
@pytest.mark.rule("OBS-008")
@pytest.mark.parametrize(
    ("routes_after", "holds"),
    [(service_routes, True), (demo_routes, False)],
    ids=["do", "dont"],
)
async def test_three_tasks_are_one_series(
    *, routes_after: Callable[[list[str]], Awaitable[set[str]]], holds: bool
) -> None:
    """Requests to three different tasks add one label value, not three."""
    paths = [f"/api/v1/tasks/{uuid.uuid4()}" for _ in range(3)]
    routes = await routes_after(paths)
    task_routes = {route for route in routes if route.startswith("/api/v1/tasks")}
    assert (task_routes == {"/api/v1/tasks/{task_id}"}) is holds


# --8<-- [end:obs-008]

ENDPOINTS: list[str] = []


class SpyExporter(OTLPSpanExporter):
    """An OTLP exporter that records where it would send its spans."""

    def __init__(self, endpoint: str | None = None) -> None:
        super().__init__(endpoint=endpoint)
        ENDPOINTS.append(self._endpoint)


def service_tracing() -> TracerProvider | None:
    """Do: the service's provider, with the OTLP exporter chosen."""
    return tracing.create_tracer_provider(
        OFFLINE.model_copy(update={"otel_traces_exporter": "otlp"})
    )


@pytest.fixture
def spy_exporters(monkeypatch: pytest.MonkeyPatch) -> None:
    ENDPOINTS.clear()
    for module in (tracing, obs_hardcoded_exporter):
        monkeypatch.setattr(module, "OTLPSpanExporter", SpyExporter)
    # The demo sets the process-wide provider; keep it from leaking into others.
    monkeypatch.setattr(trace, "set_tracer_provider", print)


# --8<-- [start:obs-009]
@pytest.mark.rule("OBS-009")
@pytest.mark.parametrize(
    ("setup", "holds"),
    [(service_tracing, True), (obs_hardcoded_exporter.setup_tracing, False)],
    ids=["do", "dont"],
)
@pytest.mark.usefixtures("spy_exporters")
def test_the_trace_backend_comes_from_the_environment(
    *,
    setup: Callable[[], TracerProvider | None],
    holds: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """OTEL_EXPORTER_OTLP_ENDPOINT decides where spans go, without a release."""
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.internal:4318")
    provider = setup()
    assert provider is not None
    provider.shutdown()
    assert ENDPOINTS[0].startswith("http://collector.internal:4318") is holds


@pytest.mark.rule("OBS-009")
async def test_a_request_is_one_trace_with_its_sql_spans(settings: Settings) -> None:
    """The route's server span parents the INSERT it caused, in one trace."""
    memory = InMemorySpanExporter()
    app = create_app(settings.model_copy(update={"otel_traces_exporter": "console"}))
    app.state.tracer_provider.add_span_processor(SimpleSpanProcessor(memory))
    user = UserCreateFactory.build(factory_use_construct=False)
    async with serving(app) as client:
        await client.post("/api/v1/users", json=user.model_dump(mode="json"))

    spans = {span.name: span for span in memory.get_finished_spans()}
    route, insert = spans["POST /api/v1/users"], spans["INSERT"]
    assert route.kind == SpanKind.SERVER
    assert route.context is not None
    assert insert.context is not None
    assert insert.parent is not None
    assert insert.parent.span_id == route.context.span_id
    assert insert.context.trace_id == route.context.trace_id


# --8<-- [end:obs-009]


# --8<-- [start:obs-010]
@pytest.mark.rule("OBS-010")
async def test_one_summary_line_per_request(capsys: pytest.CaptureFixture[str]) -> None:
    """Method, path, status, duration and ID on one line; the query masked."""
    async with serving(create_app(OFFLINE)) as client:
        log_lines(capsys)
        response = await client.get("/healthz?token=abc123&email=ada@example.com&q=x")
        lines = [line for line in log_lines(capsys) if line["message"] == "request"]

    assert len(lines) == 1
    line = lines[0]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert "abc123" not in str(line["query"])
    assert "ada@example.com" not in str(line["query"])
    assert isinstance(line["duration_ms"], float)
    assert line["request_id"] == response.headers["X-Request-ID"]


# --8<-- [end:obs-010]

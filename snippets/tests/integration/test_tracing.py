"""OpenTelemetry: route, SQL and outgoing HTTP spans, in one trace."""

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import SpanKind
from pydantic import HttpUrl

from app.core.config import Settings
from app.core.tracing import create_tracer_provider
from app.main import create_app
from tests.app_client import app_client
from tests.conftest import bearer, sign_up
from tests.servers import webhook_receiver


def parent_of(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent else None


async def test_route_db_and_http_spans_share_the_request_trace(
    settings: Settings,
) -> None:
    """The PATCH span parents its SQL spans and the webhook's HTTP span."""
    memory = InMemorySpanExporter()
    with webhook_receiver([200]) as receiver:
        traced = settings.model_copy(
            update={
                "otel_traces_exporter": "console",
                "webhook_url": HttpUrl(receiver.url),
            }
        )
        app = create_app(traced)
        app.state.tracer_provider.add_span_processor(SimpleSpanProcessor(memory))
        async with app_client(app) as client:
            headers = bearer(await sign_up(client))
            task = (
                await client.post("/api/v1/tasks", json={"title": "t"}, headers=headers)
            ).json()
            memory.clear()
            response = await client.patch(
                f"/api/v1/tasks/{task['id']}", json={"status": "done"}, headers=headers
            )

    assert response.status_code == 200, response.text
    spans = {span.name: span for span in memory.get_finished_spans()}
    route = spans["PATCH /api/v1/tasks/{task_id}"]
    background = spans["BackgroundTask post_webhook"]  # after the response
    webhook = spans["POST"]
    assert route.kind == SpanKind.SERVER
    assert webhook.kind == SpanKind.CLIENT
    assert spans["SELECT"].attributes is not None
    assert spans["SELECT"].attributes["db.system"] == "postgresql"
    assert route.context is not None
    assert background.context is not None
    assert parent_of(spans["SELECT"]) == route.context.span_id
    assert parent_of(spans["UPDATE"]) == route.context.span_id
    assert parent_of(background) == route.context.span_id
    assert parent_of(webhook) == background.context.span_id
    assert {span.context.trace_id for span in spans.values() if span.context} == {
        route.context.trace_id
    }


def test_tracing_is_off_by_default_and_exporters_are_selectable(
    settings: Settings,
) -> None:
    """`none` builds nothing; `console` and `otlp` each get a provider."""
    assert settings.otel_traces_exporter == "none"
    assert create_tracer_provider(settings) is None
    for exporter in ("console", "otlp"):
        provider = create_tracer_provider(
            settings.model_copy(update={"otel_traces_exporter": exporter})
        )
        assert provider is not None
        provider.shutdown()


@pytest.mark.parametrize(
    ("variable", "value", "name"),
    [
        ("OTEL_SERVICE_NAME", "tasks-eu", "tasks-eu"),
        ("OTEL_RESOURCE_ATTRIBUTES", "service.name=tasks-us,region=us", "tasks-us"),
        ("OTEL_RESOURCE_ATTRIBUTES", "region=us", "tasks-api"),  # APP_NAME
    ],
)
def test_tracing_reads_the_sdks_own_variables(
    *,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    name: str,
) -> None:
    """OTEL_TRACES_EXPORTER and the SDK's naming variables work as documented."""
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.setenv(variable, value)
    configured = Settings(
        database_url=settings.database_url,
        jwt_secret=settings.jwt_secret,
        app_name="tasks-api",
    )

    provider = create_tracer_provider(configured)

    assert provider is not None
    assert provider.resource.attributes["service.name"] == name
    provider.shutdown()

"""OpenTelemetry traces for routes, SQL and outgoing HTTP; off unless configured."""

import httpx
from fastapi import FastAPI
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.config import Settings


# --8<-- [start:setup]
def create_tracer_provider(settings: Settings) -> TracerProvider | None:
    """A provider of the app's own (no global state), or None when tracing is off."""
    if settings.otel_traces_exporter == "none":
        return None
    # OTLP reads the standard OTEL_EXPORTER_OTLP_* variables (endpoint, headers).
    if settings.otel_traces_exporter == "console":  # local debugging only
        exporter: SpanExporter = ConsoleSpanExporter()
    else:
        exporter = OTLPSpanExporter()
    # The SDK reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES itself;
    # APP_NAME names the service only where neither does.
    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: settings.app_name}))
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(exporter))  # exports off-thread
    return provider


def instrument_app(app: FastAPI, provider: TracerProvider) -> None:
    """One server span per request, named after the route template."""
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=provider,
        excluded_urls="healthz,readyz,metrics",  # probes would drown the traces
        exclude_spans=["receive", "send"],  # one span per request, not per chunk
    )


def instrument_clients(
    provider: TracerProvider, engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    """Child spans for every SQL statement and every outgoing HTTP call."""
    SQLAlchemyInstrumentor().instrument(
        engine=engine.sync_engine,
        tracer_provider=provider,
        # Its declared range stops before SQLAlchemy 2.1; the engine events it
        # hooks are unchanged, and the test suite checks the spans it makes.
        skip_dep_check=True,
    )
    HTTPXClientInstrumentor.instrument_client(client, tracer_provider=provider)


def shutdown_tracing(provider: TracerProvider) -> None:
    """Flush the spans still queued, and unhook SQLAlchemy's global listeners."""
    SQLAlchemyInstrumentor().uninstrument()
    provider.shutdown()


# --8<-- [end:setup]

"""Don't: the tracing backend written into the code, on the global provider."""

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor


# --8<-- [start:demo]
def setup_tracing() -> TracerProvider:
    # Every environment now sends to this one host, whatever
    # OTEL_EXPORTER_OTLP_ENDPOINT says, and moving the collector needs a release.
    exporter = OTLPSpanExporter(endpoint="http://jaeger:4318/v1/traces")
    provider = TracerProvider()
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)  # process-wide: every app and test shares it
    return provider


# --8<-- [end:demo]

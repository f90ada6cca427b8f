"""Importing this package registers every check (see fastapi_guideline.registry)."""

from fastapi_guideline.checks import (  # noqa: F401 - imported for their registrations
    application,
    asyncio_code,
    configuration,
    data_access,
    errors,
    files,
    formats,
    http_clients,
    logs,
    models,
    probes,
    routes,
    security,
    structure,
    typing_code,
)

"""Liveness and readiness probes for the orchestrator."""

import asyncio
from typing import Literal

from fastapi import APIRouter, Request, status
from pydantic import ConfigDict
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.exceptions import DatabaseUnavailableError
from app.core.models import ApiModel
from app.core.problem_details import problem_responses

router = APIRouter(tags=["health"])


class Health(ApiModel):
    """What a probe answers when all is well."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: Literal["ok"] = "ok"


# Well inside the orchestrator's probe timeout, so a dead database is a fast
# 503 and never a probe that hangs until it is killed.
READINESS_TIMEOUT_SECONDS = 1.0


# --8<-- [start:probes]
@router.get(
    "/healthz",
    status_code=status.HTTP_200_OK,
    summary="Liveness",
    description="The process answers; no dependency is checked.",
)
async def healthz() -> Health:
    return Health()


@router.get(
    "/readyz",
    status_code=status.HTTP_200_OK,
    summary="Readiness",
    description="The database answers within a second, on a connection of "
    "the probe's own: a busy pool is load, not a reason to restart the pod.",
    responses=problem_responses(503),
)
async def readyz(request: Request) -> Health:
    engine: AsyncEngine = request.app.state.probe_engine
    try:
        async with (
            asyncio.timeout(READINESS_TIMEOUT_SECONDS),
            engine.connect() as connection,
        ):
            await connection.execute(text("SELECT 1"))
    except (OSError, SQLAlchemyError, TimeoutError) as exc:
        raise DatabaseUnavailableError(headers={"Retry-After": "5"}) from exc
    return Health()


# --8<-- [end:probes]

"""Liveness and readiness probes for the orchestrator."""

import asyncio
from typing import Literal

from fastapi import APIRouter, Request, status
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.exceptions import AppError
from app.core.models import ApiModel
from app.core.problem_details import problem_responses

router = APIRouter(tags=["health"])


class Health(ApiModel):
    status: Literal["ok"] = "ok"


class DatabaseUnavailableError(AppError):
    code = "database-unavailable"
    title = "Database unavailable"
    status = 503


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
    description="The database answers: route traffic here.",
    responses=problem_responses(503),
)
async def readyz(request: Request) -> Health:
    engine: AsyncEngine = request.app.state.engine
    try:
        async with asyncio.timeout(2), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (OSError, SQLAlchemyError, TimeoutError) as exc:
        raise DatabaseUnavailableError from exc
    return Health()

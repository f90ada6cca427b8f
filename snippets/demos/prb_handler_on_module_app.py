"""Anti-pattern: a handler registered on one app object, missing from every other."""

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse


class DomainError(Exception):
    status = 400


router = APIRouter()


@router.get("/tasks/{task_id}")
async def read_task(task_id: int) -> dict[str, int]:
    raise DomainError(task_id)


# --8<-- [start:demo]
app = FastAPI()  # the original's module-level app


@app.exception_handler(DomainError)  # registered here, and only here
async def domain_error_handler(request: Request, exc: DomainError) -> JSONResponse:
    body = {"title": "Domain error", "status": exc.status}
    media_type = "application/problem+json"
    return JSONResponse(body, status_code=exc.status, media_type=media_type)


app.include_router(router)


def create_test_app() -> FastAPI:
    """A second entry point (a test app, a worker's admin app) forgets the handler."""
    test_app = FastAPI()
    test_app.include_router(router)
    return test_app


# --8<-- [end:demo]

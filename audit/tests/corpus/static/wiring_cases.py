from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.types import ASGIApp, Receive, Scope, Send

app = FastAPI()  # expect: APP-AT-IMPORT, APP-OUTSIDE-MAIN, DOCS-ALWAYS-ON


@app.on_event("startup")  # expect: ON-EVENT
async def start() -> None: ...


@app.exception_handler(ValueError)  # expect: HANDLER-OUTSIDE-REGISTRY
async def on_value_error(request: Request, exc: Exception) -> Response:
    return Response(status_code=400)  # expect: AD-HOC-ERROR-BODY


class Timing(BaseHTTPMiddleware):  # expect: BASE-HTTP-MIDDLEWARE
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        return await call_next(request)


class PureAsgi:  # near: BASE-HTTP-MIDDLEWARE
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


@app.middleware("http")  # expect: BASE-HTTP-MIDDLEWARE
async def add_header(request: Request, call_next: RequestResponseEndpoint) -> Response:
    return await call_next(request)


app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)  # expect: CORS-WILDCARD
ORIGINS = ["*"]
app.add_middleware(CORSMiddleware, allow_origins=ORIGINS)  # expect: CORS-WILDCARD


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:  # near: ON-EVENT
    yield


def create_app(origins: list[str], docs: bool) -> FastAPI:
    application = FastAPI(  # expect: APP-OUTSIDE-MAIN  # near: APP-AT-IMPORT, DOCS-ALWAYS-ON
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
    )
    application.add_middleware(CORSMiddleware, allow_origins=origins)  # near: CORS-WILDCARD
    application.add_exception_handler(ValueError, on_value_error)  # near: HANDLER-OUTSIDE-REGISTRY
    return application

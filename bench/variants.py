"""The three FastAPI apps the service benchmark compares, each from `create_app()` (uvicorn
factories); the fourth variant, the floor, is bench/floor.py and loads none of them."""

from fastapi import FastAPI

from bench.basehttp import rebuild_on_basehttp
from bench.example import create_app


def full() -> FastAPI:
    """The service exactly as it ships."""
    return create_app()


def bare() -> FastAPI:
    """The same routes and exception handlers, with no middleware at all."""
    app = create_app()
    app.user_middleware.clear()
    app.middleware_stack = None
    return app


def basehttp() -> FastAPI:
    """The same stack with the app's own middleware rewritten on BaseHTTPMiddleware."""
    app = create_app()
    rebuild_on_basehttp(app)
    return app


VARIANTS = {"full": full, "bare": bare, "basehttp": basehttp}

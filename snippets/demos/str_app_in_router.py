"""Anti-pattern: a domain module that builds and configures its own app."""

from fastapi import APIRouter, FastAPI

# --8<-- [start:demo]
router = APIRouter(prefix="/api/v1/tasks")

# app/tasks/router.py: "just for now", an app is created where the routes are.
# Importing the router now builds an app, and main.py is no longer the one place
# where middleware, handlers and routers are wired.
app = FastAPI(title="Tasks API")
app.include_router(router)
# --8<-- [end:demo]

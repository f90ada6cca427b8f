"""Near-misses met in real services (full-stack template, Netflix Dispatch, Polar, RealWorld)."""

import re
from typing import Annotated

import httpx
from fastapi import FastAPI
from pydantic import AfterValidator, BaseModel

VERSION = "v1"
BLOCKED = re.compile(r"\b(admin|root)\b")
_client: httpx.AsyncClient | None = None


def internal_app() -> FastAPI:
    # openapi_url=None switches /docs and /redoc off too: FastAPI serves them from the document
    return FastAPI(openapi_url=None)  # expect: APP-OUTSIDE-MAIN  # near: DOCS-ALWAYS-ON


def versioned_docs_app() -> FastAPI:
    # a fixed openapi_url moves the document; /docs and the document stay on everywhere
    return FastAPI(openapi_url=f"/api/{VERSION}/openapi.json")  # expect: APP-OUTSIDE-MAIN, DOCS-ALWAYS-ON


def setup_client() -> None:
    global _client
    _client = httpx.AsyncClient(timeout=5.0, limits=httpx.Limits(), event_hooks={})  # near: CLIENT-PER-CALL


def blocked_words(value: str) -> str:
    if BLOCKED.search(value):
        raise ValueError("This name is not allowed.")  # near: BUILTIN-ERROR-FOR-EXPECTED
    return value


class OrganizationIn(BaseModel):
    name: Annotated[str, AfterValidator(blocked_words)]


class Reachability(BaseModel):
    reachable: bool
    error: str | None = None


async def reachability(client: httpx.AsyncClient, url: str) -> Reachability:
    try:
        await client.get(url, timeout=5.0)
    except httpx.TimeoutException:  # near: ERROR-AS-DEFAULT
        return Reachability(reachable=False, error="Request timed out")
    return Reachability(reachable=True)


# near-next: SQL-STRING
SYSTEM_PROMPT = f"""\
You are a risk analyst. Select the single most relevant policy from the list below, and
where the organization sells = more than one product, say so. Limit: {BLOCKED.pattern}.
"""


class Signal(BaseModel):
    revenue_share: float  # near: FLOAT-MONEY

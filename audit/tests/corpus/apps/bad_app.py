from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

app = FastAPI()  # expect: APP-AT-IMPORT, APP-OUTSIDE-MAIN, DOCS-ALWAYS-ON, ERRORS-AS-PROBLEMS, PROBLEM-INSTANCE-URL, SECURITY-HEADERS, REQUEST-ID, CORS-FOREIGN-ORIGIN, DOCS-SERVED, HEALTH-ROUTES, NO-COMPRESSION
app.add_middleware(CORSMiddleware, allow_origins=["*"])  # expect: CORS-WILDCARD


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    body = {"type": "about:blank", "title": "Error", "status": status, "instance": str(request.url)}  # expect: INSTANCE-FULL-URL
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


async def leaky(request: Request, exc: Exception) -> JSONResponse:
    body = {"type": "about:blank", "title": "Error", "status": 500, "detail": str(exc)}  # expect: LEAKY-ERROR-HANDLER
    return JSONResponse(body, status_code=500, media_type="application/problem+json")


app.add_exception_handler(HTTPException, http_error)  # expect: HANDLER-OUTSIDE-REGISTRY
app.add_exception_handler(Exception, leaky)  # expect: HANDLER-OUTSIDE-REGISTRY


class ProfileIn(BaseModel):
    name: str


class Item(BaseModel):
    id: int


@app.post("/profiles")  # expect: ROUTE-STATUS-CODE, ROUTE-SUMMARY, ROUTE-DESCRIPTION, ROUTE-TAGS, ROUTE-ERROR-RESPONSES, ROUTE-UNVERSIONED, ROUTE-UNTYPED-BODY, BODY-NOT-STRICT
async def create_profile(payload: ProfileIn) -> dict[str, Any]:
    return {"name": payload.name}


@app.get("/api/v1/raw", response_model=None, status_code=200, summary="Raw", description="Raw.", tags=["raw"])  # expect: ROUTE-RESPONSE-MODEL
async def raw() -> Response:
    return Response(b"raw")


@app.get("/api/v1/items", status_code=200, summary="Items", description="Items.", tags=["items"], responses={422: {}})  # expect: LIST-LIMIT
async def items(limit: int = 10) -> list[Item]:
    return []


@app.post("/api/v1/getTask", status_code=200, summary="Get", description="Get.", tags=["tasks"], responses={404: {}})  # expect: ROUTE-VERB-IN-PATH, ROUTE-UNTYPED-BODY
async def get_task(payload: dict[str, int]) -> Item:
    return Item(id=payload["id"])

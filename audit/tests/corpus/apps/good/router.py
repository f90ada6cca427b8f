from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, ConfigDict, Field

router = APIRouter()
ERRORS: dict[int | str, dict[str, str]] = {422: {"description": "Invalid request"}}


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=100)


class Item(BaseModel):
    id: int
    name: str


class Page(BaseModel):
    items: list[Item]
    limit: int


class Health(BaseModel):
    status: str = "ok"


@router.get("/healthz", status_code=status.HTTP_200_OK, summary="Liveness", description="The process answers.", tags=["operations"])  # near: ROUTE-UNVERSIONED, ROUTE-ERROR-RESPONSES, ROUTE-STATUS-CODE, ROUTE-SUMMARY, ROUTE-DESCRIPTION, ROUTE-TAGS, ROUTE-RESPONSE-MODEL
async def healthz() -> Health:
    return Health()


@router.get("/readyz", status_code=status.HTTP_200_OK, summary="Readiness", description="Ready.", tags=["operations"], responses={503: {"description": "Not ready"}})
async def readyz() -> Health:
    return Health()


@router.get("/", include_in_schema=False)  # near: ROUTE-STATUS-CODE
async def root() -> Health:
    return Health()


@router.get("/api/v1/items", status_code=status.HTTP_200_OK, summary="List items", description="A page of items.", tags=["items"], responses=ERRORS)  # near: LIST-LIMIT, ROUTE-UNTYPED-BODY, ROUTE-VERB-IN-PATH
async def list_items(limit: Annotated[int, Query(ge=1, le=100)] = 50) -> Page:
    return Page(items=[], limit=limit)


@router.post("/api/v1/items", status_code=status.HTTP_201_CREATED, summary="Create an item", description="Creates one item.", tags=["items"], responses=ERRORS)  # near: BODY-NOT-STRICT, ROUTE-UNTYPED-BODY
async def create_item(payload: ItemIn) -> Item:
    return Item(id=1, name=payload.name)

"""Do: a new code path behind a flag that operations can turn off without a deploy."""

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic_settings import BaseSettings

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


# --8<-- [start:demo]
class Flags(BaseSettings):
    """FEATURE_SMART_SORT=false in the environment switches the path off."""

    feature_smart_sort: bool = False  # off until the release is proven


def get_flags() -> Flags:
    return Flags()


FlagsDep = Annotated[Flags, Depends(get_flags)]


@router.get("")
async def list_tasks(flags: FlagsDep) -> list[str]:
    if flags.feature_smart_sort:
        return ["sorted by the new ranking"]  # the new path
    return ["sorted by created_at"]  # the old path stays until the flag is removed


# --8<-- [end:demo]

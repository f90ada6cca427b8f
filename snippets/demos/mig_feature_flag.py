"""Do: a new code path behind a flag that operations can turn off without a deploy."""

from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic_settings import BaseSettings

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


# --8<-- [start:demo]
class Settings(BaseSettings):
    """The service's one settings class (CFG-002), with the flag as a field:
    FEATURE_SMART_SORT=false and a restart switch the path off."""

    feature_smart_sort: bool = False  # off until the release is proven


@lru_cache
def get_settings() -> Settings:
    return Settings()  # read once: a bad value stops the start, not a request


SettingsDep = Annotated[Settings, Depends(get_settings)]


@router.get("")
async def list_tasks(settings: SettingsDep) -> list[str]:
    if settings.feature_smart_sort:
        return ["sorted by the new ranking"]  # the new path
    return ["sorted by created_at"]  # the old path stays until the flag is removed


# --8<-- [end:demo]

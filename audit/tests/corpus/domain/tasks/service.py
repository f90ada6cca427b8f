import httpx

from domain.users import service as user_service  # near: BARE-CROSS-DOMAIN-IMPORT
from domain.users.constants import USER_NOT_FOUND  # expect: BARE-CROSS-DOMAIN-IMPORT
from domain.users.service import get_user  # expect: BARE-CROSS-DOMAIN-IMPORT
from domain.users.repository import UserRepository  # near: BARE-CROSS-DOMAIN-IMPORT
from domain.database.service import paginate  # near: BARE-CROSS-DOMAIN-IMPORT


async def owner(user_id: int, users: UserRepository) -> str:
    found = await get_user(user_id) + await user_service.get_user(user_id) + USER_NOT_FOUND
    return paginate([found], 1)[0]


async def notify(client: httpx.AsyncClient) -> None:
    await client.post("https://hooks.example.com/done", json={})  # near: CLIENT-IN-DOMAIN


def own_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=5.0, limits=httpx.Limits(), event_hooks={})  # expect: CLIENT-IN-DOMAIN

import httpx


def create_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=5.0, limits=httpx.Limits(), event_hooks={})  # near: CLIENT-IN-DOMAIN

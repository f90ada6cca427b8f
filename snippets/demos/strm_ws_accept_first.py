"""Don't: accept the WebSocket first, with the token taken from the URL."""

from fastapi import APIRouter, WebSocket, status

router = APIRouter()


def user_for_token(token: str | None) -> str | None:
    """Stands in for the JWT check the HTTP routes use."""
    return "u-42" if token == "valid-token" else None  # noqa: S105  # demo token


# --8<-- [start:demo]
@router.websocket("/api/v1/tasks/events")
async def task_events(websocket: WebSocket, token: str | None = None) -> None:
    # ?token=... is kept by access logs, proxies and browser history; and the
    # socket is open, with the server committed to it, before any check.
    await websocket.accept()
    user_id = user_for_token(token)
    if user_id is None:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await websocket.send_json({"user": user_id, "event": "ping"})


# --8<-- [end:demo]

"""Do: check the origin and the credentials of a WebSocket before accepting it."""

from fastapi import APIRouter, WebSocket, WebSocketDisconnect, status

router = APIRouter()
# Stands in for the service's CORS_ORIGINS: the front ends that may connect.
ALLOWED_ORIGINS = frozenset({"https://app.example.com"})


def user_for_token(token: str | None) -> str | None:
    """Stands in for the JWT check the HTTP routes use."""
    return "u-42" if token == "valid-token" else None  # noqa: S105  # demo token


# --8<-- [start:demo]
@router.websocket("/api/v1/tasks/events")
async def task_events(websocket: WebSocket) -> None:
    # Browsers apply no CORS to WebSockets and send the cookie to a socket
    # opened by any site: only the service's own front ends may connect.
    if websocket.headers.get("origin") not in ALLOWED_ORIGINS:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    # Browsers cannot set Authorization on a WebSocket: the token travels in
    # a cookie or the subprotocol, never in the URL (URLs end up in logs).
    user_id = user_for_token(websocket.cookies.get("access_token"))
    if user_id is None:
        # Before accept(), the server answers the handshake with HTTP 403.
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await websocket.accept()
    try:
        while True:
            await websocket.send_json({"user": user_id, "event": "ping"})
            await websocket.receive_text()
    except WebSocketDisconnect:
        return


# --8<-- [end:demo]

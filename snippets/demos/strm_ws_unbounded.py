"""Don't: a WebSocket with no limit on size, idle time or connections."""

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

router = APIRouter()


# --8<-- [start:demo]
@router.websocket("/api/v1/chat")
async def chat(websocket: WebSocket) -> None:
    # Any message up to the server's 16 MiB frame limit, no idle timeout, no
    # cap on open sockets: one client can hold memory and descriptors forever.
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        return


# --8<-- [end:demo]

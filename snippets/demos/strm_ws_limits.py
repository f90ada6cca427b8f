"""Do: bound a WebSocket's message size, idle time and connection count."""

import asyncio

from fastapi import APIRouter, WebSocket, WebSocketDisconnect, status

router = APIRouter()


# --8<-- [start:demo]
MAX_MESSAGE_BYTES = 4096
IDLE_SECONDS = 60
open_sockets = asyncio.Semaphore(1000)  # per process


@router.websocket("/api/v1/chat")
async def chat(websocket: WebSocket) -> None:
    if open_sockets.locked():
        await websocket.close(code=status.WS_1013_TRY_AGAIN_LATER)
        return
    async with open_sockets:
        await websocket.accept()
        try:
            while True:
                async with asyncio.timeout(IDLE_SECONDS):  # silent peers go
                    text = await websocket.receive_text()
                if len(text.encode()) > MAX_MESSAGE_BYTES:
                    await websocket.close(code=status.WS_1009_MESSAGE_TOO_BIG)
                    return
                await websocket.send_text(text)
        except TimeoutError:
            await websocket.close(code=status.WS_1001_GOING_AWAY)
        except WebSocketDisconnect:
            return


# --8<-- [end:demo]

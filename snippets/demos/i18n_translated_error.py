"""Don't: the server translates messages, so clients parse prose per language."""

from typing import Annotated

from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse

app = FastAPI()


# --8<-- [start:demo]
MESSAGES = {
    "en": "The task does not exist.",
    "de": "Die Aufgabe existiert nicht.",
}


@app.get("/api/v1/tasks/{task_id}")
async def read_task(
    task_id: int, accept_language: Annotated[str, Header()] = "en"
) -> JSONResponse:
    # Clients now branch on text that changes with every translator's edit,
    # and adding a language means a server release.
    message = MESSAGES.get(accept_language[:2], MESSAGES["en"])
    return JSONResponse(status_code=404, content={"error": message, "id": task_id})


# --8<-- [end:demo]

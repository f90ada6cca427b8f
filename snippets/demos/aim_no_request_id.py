"""Anti-pattern: an app without request IDs: nothing ties a log line to a request."""

import logging

from fastapi import FastAPI

logger = logging.getLogger("tasks")

# --8<-- [start:demo]
app = FastAPI()  # no request-ID middleware: "we will add observability later"


@app.post("/tasks", status_code=201)
async def create_task() -> dict[str, str]:
    # This line cannot be matched to the request, the client or the response:
    # a support ticket quoting "the failed request at 10:42" leads nowhere.
    logger.info("task created")
    return {"status": "created"}


# --8<-- [end:demo]

"""Anti-pattern: one app object, built at import and shared by every importer."""

from fastapi import FastAPI

# --8<-- [start:demo]
# app/main.py, as in the original: the app exists as soon as the module is
# imported, with whatever configuration the environment had at that moment.
app = FastAPI(title="tasks-service")


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


# Every test imports this same object: an override set by one test is seen by
# every later test, and no test can build an app with its own settings.
# --8<-- [end:demo]

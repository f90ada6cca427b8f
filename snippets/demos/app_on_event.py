"""Anti-pattern: startup/shutdown event handlers, deprecated in favour of lifespan."""

# fmt: off
# --8<-- [start:demo]
import warnings

from fastapi import FastAPI

app = FastAPI()

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")

    @app.on_event("startup")  # nothing ties this to the shutdown that must undo it
    async def open_pool() -> None: ...


print(caught[0].category.__name__)
#> DeprecationWarning
# --8<-- [end:demo]
# fmt: on

"""Don't: a sync test client runs the app in a second event loop."""

# fmt: off
# --8<-- [start:demo]
import asyncio
from concurrent.futures import ThreadPoolExecutor


async def endpoint(connection: asyncio.Future[str]) -> str:
    return await connection  # the app uses the fixture's database connection


def sync_client_get(connection: asyncio.Future[str]) -> str:
    """What a sync TestClient does: a new loop, on a worker thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, endpoint(connection)).result()


async def test_read_task() -> None:
    # An async fixture opened the connection on the test's own loop.
    connection = asyncio.get_running_loop().create_future()
    try:
        sync_client_get(connection)
    except RuntimeError as exc:
        print(str(exc).split(" got ")[1])
        #> Future <Future pending> attached to a different loop


asyncio.run(test_read_task())
# --8<-- [end:demo]
# fmt: on

"""Anti-pattern: asyncio.Timeout(2) takes an absolute deadline and expires at once."""

# fmt: off
# --8<-- [start:demo]
import asyncio
import time


async def call_partner() -> None:
    await asyncio.sleep(0.5)  # stands in for a call that needs half a second


async def call_with_budget() -> None:
    async with asyncio.Timeout(2):  # the loop clock's second 2: long past
        await call_partner()


async def main() -> None:
    started = time.monotonic()
    try:
        await call_with_budget()
    except TimeoutError:
        print(f"cancelled after {time.monotonic() - started:.1f} s")
        #> cancelled after 0.0 s


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on

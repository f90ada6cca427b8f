"""Anti-pattern: deduplicating in application code; concurrent retries both pass."""

# fmt: off
# --8<-- [start:demo]
import asyncio

orders: list[str] = []
seen_keys: set[str] = set()


async def create_order(key: str, sku: str) -> None:
    if key in seen_keys:  # the check...
        return
    await asyncio.sleep(0)  # ...a database round trip, during which...
    seen_keys.add(key)  # ...the retry passed the same check
    orders.append(sku)


async def main() -> None:
    # The client timed out and retried while the first request was still running.
    await asyncio.gather(create_order("k-1", "A-1"), create_order("k-1", "A-1"))
    print(len(orders))
    #> 2


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on

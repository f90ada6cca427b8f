"""Anti-pattern: a blocking SDK call inside `async def` stalls every other request."""

# fmt: off
# --8<-- [start:demo]
import asyncio
import time


def send_mail_sync() -> None:
    time.sleep(0.05)  # stands in for a synchronous SDK's network call


async def handle(name: str, log: list[str]) -> None:
    log.append(f"{name} start")
    send_mail_sync()  # blocks the event loop: nothing else runs meanwhile
    log.append(f"{name} end")


async def main() -> None:
    log: list[str] = []
    await asyncio.gather(handle("a", log), handle("b", log))
    print(log)  # two "concurrent" requests ran one after the other
    #> ['a start', 'a end', 'b start', 'b end']


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on

"""Don't: blocking work inside an async task stalls every other request."""

# fmt: off
# --8<-- [start:demo]
import asyncio
import time

log: list[str] = []


async def send_report_blocking() -> None:
    time.sleep(0.05)  # noqa: ASYNC251  # the anti-pattern: blocks the event loop
    log.append("report sent")


async def send_report_in_thread() -> None:
    await asyncio.to_thread(time.sleep, 0.05)  # the loop keeps serving
    log.append("report sent")


async def serve_request() -> None:
    log.append("request served")


async def main() -> None:
    for job in (send_report_blocking, send_report_in_thread):
        log.clear()
        await asyncio.gather(job(), serve_request())
        print(f"{job.__name__}: {log}")
        #> send_report_blocking: ['report sent', 'request served']
        #> send_report_in_thread: ['request served', 'report sent']


asyncio.run(main())
# --8<-- [end:demo]
# fmt: on

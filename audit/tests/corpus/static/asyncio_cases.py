import asyncio
import subprocess
import time
import urllib.request

import httpx
import requests


def slow_helper() -> None:
    time.sleep(1)


def fast_helper() -> int:
    return 1


async def handler() -> None:
    time.sleep(0.1)  # expect: BLOCKING-SLEEP
    await asyncio.sleep(0.1)  # near: BLOCKING-SLEEP
    requests.get("https://example.com", timeout=5)  # expect: BLOCKING-HTTP
    urllib.request.urlopen("https://example.com", timeout=5)  # expect: BLOCKING-HTTP
    subprocess.run(["true"], check=True)  # expect: BLOCKING-SDK
    slow_helper()  # expect: BLOCKING-SDK
    fast_helper()  # near: BLOCKING-SDK
    await asyncio.to_thread(slow_helper)  # near: BLOCKING-SDK
    await asyncio.to_thread(lambda: time.sleep(1))  # near: BLOCKING-SLEEP


def sync_code() -> None:
    time.sleep(0.1)  # near: BLOCKING-SLEEP
    requests.get("https://example.com", timeout=5)  # near: BLOCKING-HTTP


async def local_names(requests: list[int]) -> None:
    requests.pop()  # near: BLOCKING-HTTP


async def shared_client(client: httpx.AsyncClient) -> None:
    await client.get("https://example.com")  # near: BLOCKING-HTTP

"""Don't: a payment captured in BackgroundTasks: unbounded, never retried."""

import httpx
from fastapi import APIRouter, BackgroundTasks, Request, status

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])
captured: list[str] = []  # what the payment partner confirmed


# --8<-- [start:demo]
async def capture_payment(client: httpx.AsyncClient, url: str, order_id: str) -> None:
    # No time budget: a partner that stalls holds this task for as long as it
    # likes. A failure is logged and gone: nothing persists or retries the
    # job, and a deploy or a crash drops it silently.
    response = await client.post(url, json={"order_id": order_id})
    response.raise_for_status()
    captured.append(order_id)


@router.post("/{order_id}/pay", status_code=status.HTTP_202_ACCEPTED)
async def pay(order_id: str, request: Request, background: BackgroundTasks) -> None:
    # The client hears "accepted"; the money has not moved, and may never.
    client, url = request.app.state.http_client, request.app.state.payments_url
    background.add_task(capture_payment, client, url, order_id)


# --8<-- [end:demo]

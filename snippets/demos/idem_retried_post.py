"""Anti-pattern: a create without an idempotency key turns a retried order into two."""

# fmt: off
# --8<-- [start:demo]
orders: list[dict[str, object]] = []


def create_order(body: dict[str, object]) -> int:
    orders.append(body)
    return len(orders)


body: dict[str, object] = {"sku": "A-1", "quantity": 1}
create_order(body)  # the order is stored, but the response is lost (timeout)...
create_order(body)  # ...so the client retries, exactly as it should
print(len(orders))
#> 2
# --8<-- [end:demo]
# fmt: on

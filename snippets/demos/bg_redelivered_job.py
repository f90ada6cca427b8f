"""Don't: a job handler that repeats its side effect when the broker redelivers."""

# fmt: off
# --8<-- [start:demo]
from decimal import Decimal

charges: list[tuple[str, Decimal]] = []


def handle_charge(message: dict[str, str]) -> None:
    charges.append((message["order_id"], Decimal(message["amount"])))


message = {"job_id": "j-1", "order_id": "o-7", "amount": "25.00"}
handle_charge(message)
handle_charge(message)  # the worker died before its ack: the broker redelivers
print(charges)
#> [('o-7', Decimal('25.00')), ('o-7', Decimal('25.00'))]
# --8<-- [end:demo]
# fmt: on

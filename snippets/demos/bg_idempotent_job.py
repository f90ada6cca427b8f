"""Do: a job handler keyed by the job ID, so a redelivery changes nothing."""

# fmt: off
# --8<-- [start:demo]
from decimal import Decimal

charges: list[tuple[str, Decimal]] = []
# In production: a table with a unique job_id, written in the same transaction.
processed_jobs: set[str] = set()


def handle_charge(message: dict[str, str]) -> None:
    if message["job_id"] in processed_jobs:
        return  # done before: acknowledge and do nothing
    charges.append((message["order_id"], Decimal(message["amount"])))
    processed_jobs.add(message["job_id"])


message = {"job_id": "j-1", "order_id": "o-7", "amount": "25.00"}
handle_charge(message)
handle_charge(message)  # the redelivery
print(charges)
#> [('o-7', Decimal('25.00'))]
# --8<-- [end:demo]
# fmt: on

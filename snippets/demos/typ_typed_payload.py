"""Do: validate untyped input at the boundary into a typed model."""

# fmt: off
# --8<-- [start:demo]
from decimal import Decimal

from pydantic import BaseModel


class Order(BaseModel):
    amount: Decimal
    currency: str


order = Order.model_validate_json('{"amount": "10.00", "currency": "EUR"}')
total = order.amount + 1  # mypy knows it is a Decimal, and so does Python
print(total)
#> 11.00
# --8<-- [end:demo]
# fmt: on

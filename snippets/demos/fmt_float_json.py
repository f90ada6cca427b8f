"""Don't: a float amount puts binary noise into the JSON a client receives."""

# fmt: off
# --8<-- [start:demo]
from pydantic import BaseModel


class Invoice(BaseModel):
    amount: float  # money as a binary float
    currency: str


unit_price, quantity = 1.10, 3
print(Invoice(amount=unit_price * quantity, currency="EUR").model_dump_json())
#> {"amount":3.3000000000000003,"currency":"EUR"}
# --8<-- [end:demo]
# fmt: on

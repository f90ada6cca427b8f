"""Don't: a payload copied into every test, stale since the schema changed."""

# fmt: off
# --8<-- [start:demo]
from decimal import Decimal

from pydantic import BaseModel, Field, ValidationError


class TaskCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    budget: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    currency: str = Field(pattern=r"^[A-Z]{3}$")  # required since last month


# Pasted into forty tests before `currency` existed; none of them says which
# of these values it is about.
PAYLOAD = {"title": "Write the spec", "budget": "10.50"}

try:
    TaskCreate.model_validate(PAYLOAD)
except ValidationError as exc:
    print(exc.errors()[0]["loc"], exc.errors()[0]["type"])
    #> ('currency',) missing
# --8<-- [end:demo]
# fmt: on

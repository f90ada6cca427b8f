"""Don't: annotations left as strings fail where FastAPI and Pydantic read them."""

# fmt: off
# --8<-- [start:demo]
from typing import TYPE_CHECKING

from pydantic import BaseModel, PydanticUserError

if TYPE_CHECKING:  # where linters move imports used "only" in annotations
    from decimal import Decimal


# `from __future__ import annotations` turns every annotation into a string,
# as written out here; Pydantic resolves it only when the model is used.
class Price(BaseModel):
    amount: "Decimal"
    currency: str


try:
    Price(amount="9.90", currency="EUR")  # type: ignore[arg-type]  # str on purpose
except PydanticUserError as exc:
    print(exc.code)
    #> class-not-fully-defined
# --8<-- [end:demo]
# fmt: on

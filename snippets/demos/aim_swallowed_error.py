"""Anti-pattern: a failure swallowed into a default value that looks like real data."""

# fmt: off
# --8<-- [start:demo]
from decimal import Decimal, InvalidOperation


def parse_amount(raw: str) -> Decimal:
    try:
        return Decimal(raw)
    except InvalidOperation:
        return Decimal(0)  # the caller cannot tell "zero" from "garbage"


print(parse_amount("12.50"))
#> 12.50
print(parse_amount("12,50"))  # a typo in the input becomes a free order
#> 0
# --8<-- [end:demo]
# fmt: on

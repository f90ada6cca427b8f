"""Don't: float arithmetic on money drifts; Decimal is exact."""

# fmt: off
# --8<-- [start:demo]
from decimal import ROUND_HALF_UP, Decimal

print(0.10 + 0.20)
#> 0.30000000000000004
print(round(2.675, 2))  # a binary float is just below 2.675
#> 2.67

print(Decimal("0.10") + Decimal("0.20"))
#> 0.30
print(Decimal("2.675").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
#> 2.68
# --8<-- [end:demo]
# fmt: on

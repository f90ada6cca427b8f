"""Anti-pattern: a cache with no TTL and no invalidation serves stale data for ever."""

# fmt: off
# --8<-- [start:demo]
from functools import cache

PRICES = {"basic": "9.00"}  # stands in for the price table


@cache
def price_of(plan: str) -> str:
    return PRICES[plan]  # stands in for an expensive query


print(price_of("basic"))
#> 9.00
PRICES["basic"] = "12.00"  # the write path never touches the cache
print(price_of("basic"))
#> 9.00
# --8<-- [end:demo]
# fmt: on

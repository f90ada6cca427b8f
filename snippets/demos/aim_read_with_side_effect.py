"""Anti-pattern: a read that writes, so asking twice gives two different answers."""

# fmt: off
# --8<-- [start:demo]
from dataclasses import dataclass


@dataclass
class Quota:
    remaining: int


quota = Quota(remaining=3)


def get_remaining_quota() -> int:
    quota.remaining -= 1  # hidden write: each "read" spends what it reports
    return quota.remaining


print(get_remaining_quota(), get_remaining_quota())
#> 2 1
# --8<-- [end:demo]
# fmt: on

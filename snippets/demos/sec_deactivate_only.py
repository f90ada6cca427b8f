"""Anti-pattern: "deleting" an account by flagging it keeps every personal field."""

# fmt: off
# --8<-- [start:demo]
from dataclasses import dataclass


@dataclass
class Account:
    email: str
    display_name: str
    active: bool = True


ACCOUNTS = {1: Account("ada@example.com", "Ada")}


def delete_account(account_id: int) -> None:
    ACCOUNTS[account_id].active = False  # hidden from the UI, kept for ever


delete_account(1)
print(ACCOUNTS[1])  # the erasure request is answered; the data is all still here
#> Account(email='ada@example.com', display_name='Ada', active=False)
# --8<-- [end:demo]
# fmt: on

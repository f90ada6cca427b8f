"""Anti-pattern: lock an account after N failures, keyed on any X-Forwarded-For."""

# fmt: off
# --8<-- [start:demo]
FAILURES: dict[str, int] = {}
LIMIT = 5


def client_address(headers: dict[str, str], peer: str) -> str:
    # Whoever connects may send the header: the caller names its own address.
    return headers.get("x-forwarded-for", peer).split(",")[0].strip()


def may_sign_in(email: str) -> bool:
    return FAILURES.get(email, 0) < LIMIT  # one counter per account, for everyone


for _ in range(LIMIT):  # an attacker's junk guesses, from anywhere
    FAILURES["ada@example.com"] = FAILURES.get("ada@example.com", 0) + 1

print(may_sign_in("ada@example.com"))  # Ada herself, from her own laptop
#> False
print(client_address({"x-forwarded-for": "192.0.2.1"}, peer="198.51.100.66"))
#> 192.0.2.1
# --8<-- [end:demo]
# fmt: on

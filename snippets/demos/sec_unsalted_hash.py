"""Anti-pattern: a fast unsalted hash; equal passwords give equal, crackable hashes."""

# fmt: off
# --8<-- [start:demo]
import hashlib


def hash_password(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()  # fast and unsalted


ada, bob = hash_password("Summer2024!"), hash_password("Summer2024!")
print(ada == bob)  # one cracked hash opens every account that shares it
#> True
# --8<-- [end:demo]
# fmt: on

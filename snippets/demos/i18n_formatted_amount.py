"""Don't: locale-formatted money in the API is ambiguous and cannot be computed."""

# fmt: off
# --8<-- [start:demo]
from decimal import Decimal, InvalidOperation

# What a "localized" API sends for the same price to two clients:
german, american = "1.234,50 EUR", "EUR 1,234.50"

# "1.234" means 1234 to a German reader and 1.234 to an English one.
try:
    Decimal(german.removesuffix(" EUR"))
except InvalidOperation:
    print("a client cannot compute with", repr(german))
    #> a client cannot compute with '1.234,50 EUR'

# The API sends the value and the code; the client formats for its user.
print({"amount": str(Decimal("1234.50")), "currency": "EUR"})
#> {'amount': '1234.50', 'currency': 'EUR'}
# --8<-- [end:demo]
# fmt: on

"""Anti-pattern: parsing environment strings by hand, where bool("false") is True."""

# fmt: off
# --8<-- [start:demo]
environ = {"DEBUG": "false", "ACCESS_TOKEN_TTL": "15m"}  # as the shell sets them

debug = bool(environ["DEBUG"])  # any non-empty string is truthy
print(debug)
#> True
try:
    ttl = int(environ["ACCESS_TOKEN_TTL"])  # fails at first use, not at startup
except ValueError as exc:
    print(exc)
    #> invalid literal for int() with base 10: '15m'
# --8<-- [end:demo]
# fmt: on

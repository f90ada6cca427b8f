"""Don't: a helper without annotations, which strict mypy refuses to check."""

# ruff: noqa: ANN001, ANN201  # the missing annotations are the anti-pattern shown


# --8<-- [start:demo]
def apply_discount(amount, percent):  # type: ignore[no-untyped-def]  # shown
    # Nothing says `amount` is a Decimal: apply_discount("10.00", 5) passes
    # every check and fails in production, on the first request that sends it.
    return amount * (100 - percent) / 100


# --8<-- [end:demo]

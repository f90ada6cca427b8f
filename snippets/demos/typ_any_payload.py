"""Don't: `Any` switches the type checker off for everything it touches."""

# fmt: off
# --8<-- [start:demo]
import json
from typing import Any


def load_order(raw: str) -> Any:  # noqa: ANN401  # the anti-pattern shown
    return json.loads(raw)


order = load_order('{"amount": "10.00", "currency": "EUR"}')
try:
    total = order["amount"] + 1  # mypy: fine; at run time: str + int
except TypeError as exc:
    print(exc)
    #> can only concatenate str (not "int") to str
# --8<-- [end:demo]
# fmt: on

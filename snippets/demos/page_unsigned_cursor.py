"""Fact: a cursor that is only base64 of JSON can be read and rewritten by anyone."""

# fmt: off
# --8<-- [start:demo]
import base64
import json


def encode(position: dict[str, str]) -> str:  # "opaque" only to the eye
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


def decode(token: str) -> dict[str, str]:
    return dict(json.loads(base64.urlsafe_b64decode(token)))


issued = encode({"sort": "-created_at", "value": "2026-11-27T09:30:00+00:00"})
print(decode(issued)["value"])  # any client can read the position...
#> 2026-11-27T09:30:00+00:00
forged = encode({"sort": "-created_at", "value": "not-a-timestamp"})
print(decode(forged)["value"])  # ...and mint one the server then trusts
#> not-a-timestamp
# --8<-- [end:demo]
# fmt: on

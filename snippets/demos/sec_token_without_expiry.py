"""Anti-pattern: a JWT without an `exp` claim stays valid for ever once issued."""

# fmt: off
# --8<-- [start:demo]
import jwt

SIGNING_KEY = "a-demo-signing-key-of-at-least-32-bytes"

token = jwt.encode({"sub": "42"}, SIGNING_KEY, algorithm="HS256")  # no "exp"

# Years later, after the user left, a leaked copy still decodes as valid:
print(jwt.decode(token, SIGNING_KEY, algorithms=["HS256"]))
#> {'sub': '42'}
# --8<-- [end:demo]
# fmt: on

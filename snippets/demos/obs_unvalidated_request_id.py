"""Don't: a caller's X-Request-ID copied into key=value logs unchecked."""

# fmt: off
# --8<-- [start:demo]
import re


def log_line(request_id: str, message: str) -> str:
    return f"level=INFO request_id={request_id} msg={message}"


def parse(line: str) -> dict[str, str]:
    """What a log collector does with key=value lines."""
    return dict(re.findall(r"(\w+)=(\S+)", line))


# The header is the caller's input: any printable text, any length.
header = "abc user=admin level=AUDIT"
print(parse(log_line(header, "refund-approved")))
#> {'level': 'AUDIT', 'request_id': 'abc', 'user': 'admin', 'msg': 'refund-approved'}
# --8<-- [end:demo]
# fmt: on

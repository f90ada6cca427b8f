"""Don't: the original sketch builds a LoggerAdapter and throws it away."""

# fmt: off
# --8<-- [start:demo]
import logging
import sys


class DefaultRequestId(logging.Filter):
    """Formats records that carry no request ID with a dash."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", "-")
        return True


handler = logging.StreamHandler(sys.stdout)
handler.setFormatter(logging.Formatter("request_id=%(request_id)s %(message)s"))
handler.addFilter(DefaultRequestId())
logging.getLogger("sketch").addHandler(handler)
logging.getLogger("sketch").setLevel(logging.INFO)


def handle_request(rid: str) -> None:
    # Built, never assigned, never used: it is garbage on the next line.
    logging.LoggerAdapter(logging.getLogger("sketch"), {"request_id": rid})
    # What the endpoint logs goes through the plain logger.
    logging.getLogger("sketch").info("task created")


handle_request("7f3c9a2e")
#> request_id=- task created
# --8<-- [end:demo]
# fmt: on

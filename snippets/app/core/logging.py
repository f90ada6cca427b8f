"""JSON logs on stdout, with the request ID and secrets masked."""

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

# --8<-- [start:request-id-context]
# One value per request: asyncio copies the context into each task, so
# concurrent requests never see each other's ID.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Stamp every record with the current request's ID."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        return True


# --8<-- [end:request-id-context]

# Attributes every LogRecord has; anything else was passed with `extra=`.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None)))
_RECORD_FIELDS |= {"message", "asctime", "request_id", "taskName"}


# --8<-- [start:mask]
# Keys whose values never reach a log line (secrets and PII), in any casing.
SENSITIVE_KEYS = frozenset(
    {
        "password",
        "token",
        "access_token",
        "refresh_token",
        "authorization",
        "cookie",
        "email",
        "username",  # the OAuth2 form's name for the e-mail address
        "secret",
        "jwt_secret",
        "database_url",
    }
)
MASK = "***"
# Free text (messages, tracebacks) is scrubbed too: e-mail addresses, bearer
# tokens, JWTs and `password=...`-style pairs, whatever the exception said.
# Linear on any input: every quantifier is possessive (`++`, never given
# back), and the address and JWT branches start only where a run of their
# characters starts, so a long near-miss is read once, not once per position.
_IN_TEXT = re.compile(
    r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++"  # e-mail addresses
    r"|(?i:bearer)\s++\S++"  # bearer tokens
    r"|(?<![\w-])eyJ[\w-]++\.[\w-]++\.[\w-]*+"  # JWTs
    r"|(?P<key>(?i:password|passwd|secret|token|authorization)[\"']?+\s*+[=:]\s*+)"
    r"(?:(?i:bearer)\s++)?+[^\s&,;]++"  # `password=x`, `Authorization: Bearer x`
)
# A log line is not a dump: text beyond this is cut (a 70 KB URL included).
MAX_SCRUBBED_CHARS = 8192
# Scrubbed past the cut, so a secret that straddles it is masked whole.
_LOOKAHEAD_CHARS = 1024


def _masked(match: re.Match[str]) -> str:
    return (match["key"] or "") + MASK


def scrub(text: str, *, limit: int = MAX_SCRUBBED_CHARS) -> str:
    """Mask secrets and e-mail addresses inside free text (keys stay readable)."""
    if len(text) <= limit:
        return _IN_TEXT.sub(_masked, text)
    head = _IN_TEXT.sub(_masked, text[: limit + _LOOKAHEAD_CHARS])
    return f"{head[:limit]}…[cut from {len(text)} characters]"


def mask(value: Any) -> Any:  # noqa: ANN401  # log payloads are arbitrary JSON
    """Replace the values of sensitive keys, however deep they are nested."""
    if isinstance(value, dict):
        return {
            key: MASK if str(key).lower() in SENSITIVE_KEYS else mask(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask(item) for item in value]
    if isinstance(value, str):
        return scrub(value)
    return value


# --8<-- [end:mask]


# --8<-- [start:json-formatter]
class JsonFormatter(logging.Formatter):
    """One JSON object per line: what log collectors parse without rules."""

    def format(self, record: logging.LogRecord) -> str:
        created = datetime.fromtimestamp(record.created, tz=UTC)
        payload: dict[str, Any] = {
            "time": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "request_id": getattr(record, "request_id", None),
        }
        extra = {k: v for k, v in vars(record).items() if k not in _RECORD_FIELDS}
        payload.update(mask(extra))
        if record.exc_info:
            # Tracebacks get more room: on-call needs the innermost frames.
            payload["exc_info"] = scrub(
                self.formatException(record.exc_info), limit=8 * MAX_SCRUBBED_CHARS
            )
        return json.dumps(payload, default=str)


# --8<-- [end:json-formatter]


class StdoutHandler(logging.StreamHandler[TextIO]):
    """Writes to the current sys.stdout, which test runners replace and close."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def configure_logging(level: str = "INFO") -> None:
    """Send every logger, uvicorn's included, through one JSON handler."""
    root = logging.getLogger()
    # Idempotent: replace our handler, keep any other (a test runner's capture).
    for old in [h for h in root.handlers if isinstance(h, StdoutHandler)]:
        root.removeHandler(old)
    handler = StdoutHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # uvicorn's access line carries the query string; ours logs the path only.
    logging.getLogger("uvicorn.access").disabled = True

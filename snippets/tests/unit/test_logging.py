"""JSON log lines: one object per line, secrets masked, request ID stamped."""

import json
import logging
import sys

import pytest

from app.core.logging import (
    JsonFormatter,
    RequestIdFilter,
    StdoutHandler,
    configure_logging,
    request_id_var,
)


def render(record: logging.LogRecord) -> dict[str, object]:
    RequestIdFilter().filter(record)
    line: dict[str, object] = json.loads(JsonFormatter().format(record))
    return line


def make_record(**extra: object) -> logging.LogRecord:
    record = logging.LogRecord("app.test", logging.INFO, __file__, 1, "hello", (), None)
    record.__dict__.update(extra)
    return record


def test_secrets_and_pii_are_masked_at_any_depth() -> None:
    line = render(
        make_record(
            email="ada@example.com",
            payload={"Password": "x", "items": [{"token": "y", "title": "ok"}]},
        )
    )

    assert line["email"] == "***"
    assert line["payload"] == {
        "Password": "***",
        "items": [{"token": "***", "title": "ok"}],
    }
    assert str(line["time"]).endswith("Z")


def test_request_id_comes_from_the_context() -> None:
    token = request_id_var.set("req-1")
    try:
        line = render(make_record())
    finally:
        request_id_var.reset(token)

    assert line["request_id"] == "req-1"
    assert render(make_record())["request_id"] is None


def test_exceptions_are_logged_with_their_traceback() -> None:
    try:
        int("boom")
    except ValueError:
        record = logging.LogRecord(
            "app", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )

    assert "ValueError: invalid literal" in str(render(record)["exc_info"])


def test_configure_logging_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    configure_logging("INFO")
    ours = [h for h in logging.getLogger().handlers if isinstance(h, StdoutHandler)]

    logging.getLogger("app.test").info("hi")

    assert len(ours) == 1
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["message"] == "hi"

"""Logs: JSON to stdout at INFO by default, data as fields, no personal data."""

import ast
import re
from collections.abc import Iterator

from fastapi_guideline.project import Project
from fastapi_guideline.registry import Hit, check
from fastapi_guideline.source import Module, keyword, string_parts

FILE_HANDLERS = {
    "logging.FileHandler",
    "logging.handlers.RotatingFileHandler",
    "logging.handlers.TimedRotatingFileHandler",
    "logging.handlers.WatchedFileHandler",
}
LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
PERSONAL = re.compile(
    r"(^|_)(email|e_mail|phone|password|passwd|first_name|last_name|full_name|address|birth"
    r"|ssn|iban|card_number)(_|$)",
    re.I,
)


def _log_calls(module: Module) -> Iterator[ast.Call]:
    for call, _ in module.calls:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in LOG_METHODS and call.args:
            owner = ast.unparse(func.value).lower()
            if "log" in owner:
                yield call


@check(
    "FILE-LOGGING",
    ("OBS-001",),
    "static",
    "module",
    "logs written to a file: log JSON lines to stdout and let the platform collect them",
)
def file_logging(module: Module, project: Project) -> Iterator[Hit]:
    for call, _ in module.calls:
        name = module.qualname(call.func)
        if name in FILE_HANDLERS or (
            name == "logging.basicConfig" and keyword(call, "filename") is not None
        ):
            yield Hit(module.path, call.lineno, call.col_offset + 1, name)


def _debug(node: ast.expr | None) -> bool:
    if isinstance(node, ast.Constant):
        return str(node.value).upper() == "DEBUG"
    return isinstance(node, ast.Attribute) and node.attr == "DEBUG"


@check(
    "DEBUG-BY-DEFAULT",
    ("OBS-002",),
    "static",
    "module",
    "the log level defaults to DEBUG: default to INFO, switch per environment",
)
def debug_default(module: Module, project: Project) -> Iterator[Hit]:
    for call, _ in module.calls:
        name = module.qualname(call.func)
        if name in {"os.environ.get", "os.getenv"} and len(call.args) > 1:
            key = call.args[0]
            if isinstance(key, ast.Constant) and "LEVEL" in str(key.value).upper():
                if _debug(call.args[1]):
                    yield Hit(module.path, call.lineno, call.col_offset + 1)
        if name == "logging.basicConfig" and _debug(keyword(call, "level")):
            yield Hit(module.path, call.lineno, call.col_offset + 1)
    for node, _ in module.of(ast.AnnAssign, ast.Assign):
        if isinstance(node, ast.AnnAssign | ast.Assign) and _debug(node.value):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and "level" in t.id.lower() for t in targets):
                yield Hit(module.path, node.lineno, node.col_offset + 1)


@check(
    "FORMATTED-LOG-MESSAGE",
    ("OBS-001",),
    "static",
    "module",
    "data formatted into the log message: pass it as structured fields (extra=...)",
)
def formatted_log(module: Module, project: Project) -> Iterator[Hit]:
    for call in _log_calls(module):
        message = call.args[0]
        parts = string_parts(message)
        if parts is not None and parts[1] and not isinstance(message, ast.Constant):
            yield Hit(module.path, call.lineno, call.col_offset + 1)


def _personal(node: ast.expr) -> str | None:
    for item in ast.walk(node):
        name = item.attr if isinstance(item, ast.Attribute) else getattr(item, "id", None)
        if isinstance(name, str) and PERSONAL.search(name):
            return name
    return None


@check(
    "PERSONAL-DATA-IN-LOG",
    ("OBS-006",),
    "static",
    "module",
    "personal data in a log line: log IDs, not e-mail addresses, names or passwords",
)
def personal_in_log(module: Module, project: Project) -> Iterator[Hit]:
    for call in _log_calls(module):
        values: list[ast.expr] = list(call.args)
        message = call.args[0]
        if isinstance(message, ast.JoinedStr):
            values += [v.value for v in message.values if isinstance(v, ast.FormattedValue)]
        for value in values[1:] if not isinstance(message, ast.JoinedStr) else values:
            found = _personal(value)
            if found:
                yield Hit(module.path, call.lineno, call.col_offset + 1, found)
                break

"""What checks ask about the whole project: class hierarchies, blocking helpers, pyproject."""

import ast
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from fastapi_guideline.source import Module

PYDANTIC_BASES = {"pydantic.BaseModel", "pydantic.main.BaseModel", "sqlmodel.SQLModel"}
SETTINGS_BASES = {"pydantic_settings.BaseSettings", "pydantic.BaseSettings"}
# Calls that block the event loop when made from `async def`, by what they are.
SLEEP = {"time.sleep"}
HTTP_FUNCTIONS = {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream"}
SDK = {
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "os.system",
    "smtplib.SMTP",
    "smtplib.SMTP_SSL",
    "socket.create_connection",
    "ftplib.FTP",
    "psycopg2.connect",
    "pymysql.connect",
    "sqlite3.connect",
    "redis.Redis",
    "boto3.client",
    "boto3.resource",
}


def blocking_http(name: str) -> bool:
    """`requests.get`, `urllib.request.urlopen`, `httpx.get`, `httpx.Client`: synchronous HTTP."""
    head, _, tail = name.rpartition(".")
    return name.startswith(("requests.", "urllib.request.", "urllib3.")) or (
        head == "httpx" and tail in HTTP_FUNCTIONS | {"Client"}
    )


def blocking(name: str) -> bool:
    return name in SLEEP or name in SDK or blocking_http(name)


@dataclass
class Project:
    """The parsed modules plus the project's own configuration files."""

    root: Path
    modules: list[Module]
    files: list[Path]
    by_name: dict[str, Module] = field(init=False)

    def __post_init__(self) -> None:
        self.by_name = {module.name: module for module in self.modules}

    @cached_property
    def pyproject(self) -> dict[str, Any] | None:
        path = self.root / "pyproject.toml"
        if not path.is_file():
            return None
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError:
            return None

    def _descendants(self, roots: set[str]) -> set[str]:
        """Simple names of the project's classes that derive (transitively) from `roots`."""
        bases: dict[str, list[str]] = {}
        for module in self.modules:
            for node, _ in module.classes:
                bases.setdefault(node.name, []).extend(module.qualname(b) for b in node.bases)
        found: set[str] = set()
        changed = True
        while changed:
            changed = False
            for name, names in bases.items():
                if name not in found and any(
                    b in roots or b.rsplit(".", 1)[-1] in found for b in names
                ):
                    found.add(name)
                    changed = True
        return found

    @cached_property
    def pydantic_classes(self) -> set[str]:
        return self._descendants(PYDANTIC_BASES | SETTINGS_BASES)

    @cached_property
    def settings_classes(self) -> set[str]:
        return self._descendants(SETTINGS_BASES)

    def is_pydantic(self, module: Module, node: ast.ClassDef) -> bool:
        return node.name in self.pydantic_classes or any(
            module.qualname(b) in PYDANTIC_BASES | SETTINGS_BASES for b in node.bases
        )

    @cached_property
    def blocking_functions(self) -> dict[tuple[str, str], str]:
        """(module, function) -> the blocking call inside, for the project's plain functions."""
        functions: dict[tuple[str, str], tuple[Module, ast.FunctionDef]] = {}
        for module in self.modules:
            for node in module.tree.body:
                if isinstance(node, ast.FunctionDef):
                    functions[(module.name, node.name)] = (module, node)
        calls = self._calls_of(functions)
        found: dict[tuple[str, str], str] = {}
        for key, (module, _) in functions.items():
            direct = next(
                (module.imported(c.func) for c in calls[key] if blocking(module.imported(c.func))),
                None,
            )
            if direct:
                found[key] = direct
        changed = True
        while changed:  # a helper that calls a blocking helper blocks too
            changed = False
            for key, (module, _) in functions.items():
                if key in found:
                    continue
                for call in calls[key]:
                    target = self.resolve(module, call.func)
                    if target in found:
                        found[key] = found[target]
                        changed = True
                        break
        return found

    def _calls_of(
        self, functions: dict[tuple[str, str], tuple[Module, ast.FunctionDef]]
    ) -> dict[tuple[str, str], list[ast.Call]]:
        """The calls in each top-level function's body, nested functions included, from the
        index every module already has (walking each function again cost a fifth of the run).
        """
        calls: dict[tuple[str, str], list[ast.Call]] = {key: [] for key in functions}
        for module in self.modules:
            for call, scope in module.calls:
                key = (module.name, scope[0].name) if scope else ("", "")
                if key in functions and functions[key][1] is scope[0]:
                    calls[key].append(call)
        return calls

    def resolve(self, module: Module, func: ast.expr) -> tuple[str, str] | None:
        """The project function a call names: a local one or one imported by name."""
        if not isinstance(func, ast.Name):
            return None
        qualified = module.imports.get(func.id)
        if qualified is None:
            return (module.name, func.id)
        owner, _, name = qualified.rpartition(".")
        return (owner, name) if owner in self.by_name else None

"""What app and model checks inspect: the imported application and the SQLAlchemy metadata.

The app is imported (`module:attr`, where attr is the app, an APIRouter or a factory that
takes no argument) with the audited project on `sys.path`; its lifespan never runs, so no
database or network is needed. Only routes, tables and columns defined in the audited files
are reported.
"""

import importlib
import inspect
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from fastapi_guideline.source import source_lines


class AppLoadError(RuntimeError):
    """The application named by --app could not be imported or built."""


def _import(name: str, root: Path) -> object:
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        return importlib.import_module(name)
    except (Exception, SystemExit) as exc:  # any import-time failure, sys.exit() included
        raise AppLoadError(f"cannot import {name}: {type(exc).__name__}: {exc}") from exc


CLASS_LINES: dict[tuple[str, str], int] = {}  # (file, class name) -> line, from the parsed tree


def source_line(obj: object) -> tuple[Path, int] | None:
    """The file and first line (its first decorator's) of a function or class.

    Functions answer from their code object and classes from the already parsed source tree;
    `inspect` (which re-reads and re-parses the file) is the fallback.
    """
    code = getattr(getattr(obj, "__wrapped__", obj), "__code__", None)
    if code is not None:
        return Path(code.co_filename).resolve(), code.co_firstlineno
    module = sys.modules.get(getattr(obj, "__module__", ""), None)
    file = getattr(module, "__file__", None)
    if file and isinstance(obj, type):
        line = CLASS_LINES.get((str(Path(file).resolve()), obj.__qualname__))
        if line is not None:
            return Path(file).resolve(), line
    try:
        file = inspect.getsourcefile(obj)  # type: ignore[arg-type]  # any object; TypeError if not
        _, line = inspect.getsourcelines(obj)  # type: ignore[arg-type]  # same
    except (TypeError, OSError):
        return None
    return (Path(file).resolve(), max(line, 1)) if file else None


@dataclass
class AppTarget:
    """An imported application (or a router wrapped in one) and where it was defined."""

    app: object
    location: tuple[Path, int]
    files: set[Path]
    router_only: bool = False
    responses: dict[str, Any] = field(default_factory=dict)  # probe name -> httpx.Response

    @cached_property
    def all_routes(self) -> list[object]:
        """Every APIRoute of the app, with the path and settings it has once included."""
        return list(api_routes(self.app))

    @cached_property
    def routes(self) -> list[tuple[Any, Path, int]]:
        """The app's APIRoutes (RouteView) whose endpoint is defined in an audited file."""
        found: list[tuple[Any, Path, int]] = []
        for route in self.all_routes:
            where = source_line(getattr(route, "endpoint", None))
            if where is not None and where[0] in self.files:
                found.append((route, *where))
        return found


class RouteView:
    """A route as included in the app: the include's values first, then the route's own."""

    def __init__(self, context: object, original: object) -> None:
        self._context = context
        self._original = original

    def __getattr__(self, name: str) -> object:
        try:
            return getattr(self._context, name)
        except AttributeError:
            return getattr(self._original, name)


def api_routes(app: object) -> Iterator[object]:
    """The APIRoutes of an app, flattening included routers (FastAPI >= 0.16x keeps them nested)."""
    from fastapi import routing  # noqa: PLC0415 - only app checks need FastAPI

    routes = getattr(app, "routes", [])
    contexts = getattr(routing, "iter_route_contexts", None)
    if contexts is None:
        yield from (r for r in routes if isinstance(r, routing.APIRoute))
        return
    for context in contexts(routes):
        original = getattr(context, "original_route", None)
        if isinstance(original, routing.APIRoute):
            yield RouteView(context, original)


def load_app(spec: str, root: Path, files: set[Path]) -> AppTarget:
    """Import `module:attr` (or `module`, taking its first FastAPI app or APIRouter)."""
    try:
        from fastapi import APIRouter, FastAPI  # noqa: PLC0415 - only app checks need FastAPI
    except ImportError as exc:
        raise AppLoadError("--app needs FastAPI installed next to the service") from exc

    module_name, _, attribute = spec.partition(":")
    module = _import(module_name, root)
    candidates = (
        [attribute]
        if attribute
        else [
            name for name, value in vars(module).items() if isinstance(value, FastAPI | APIRouter)
        ]
    )
    if not candidates:
        raise AppLoadError(f"{module_name} defines no FastAPI app or APIRouter")
    obj = getattr(module, candidates[0], None)
    if obj is None:
        raise AppLoadError(f"{module_name} has no attribute {candidates[0]}")
    where = source_line(obj) if callable(obj) and not isinstance(obj, FastAPI | APIRouter) else None
    if not isinstance(obj, FastAPI | APIRouter):
        try:
            obj = obj()
        except (Exception, SystemExit) as exc:  # a factory that fails names the missing settings
            raise AppLoadError(f"{spec}() failed: {type(exc).__name__}: {exc}") from exc
    if where is None:
        where = _assignment_line(module, candidates[0])
    if isinstance(obj, APIRouter):
        # guideline: allow[DOC-005, APP-003] a throw-away app that only holds a router to inspect
        app = FastAPI()
        app.include_router(obj)
        return AppTarget(app, where, files, router_only=True)
    if not isinstance(obj, FastAPI):
        raise AppLoadError(f"{spec} is not a FastAPI application, an APIRouter or a factory")
    return AppTarget(obj, where, files)


def _assignment_line(module: object, name: str) -> tuple[Path, int]:
    file = Path(getattr(module, "__file__", "") or ".").resolve()
    pattern = re.compile(rf"^{re.escape(name)}\s*[:=]", re.M)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError:
        return file, 1
    match = pattern.search(text)
    return file, text.count("\n", 0, match.start()) + 1 if match else 1


@dataclass
class TableInfo:
    """A table to check and where its definition is."""

    table: Any  # a sqlalchemy.Table (SQLAlchemy is imported only when model checks run)
    path: Path
    line: int
    owner: str  # dotted module name that defines it
    attributes: dict[str, int] = field(default_factory=dict)  # column key -> line


@dataclass
class Models:
    """The metadata found in the audited modules, with each table's location."""

    metadata: list[tuple[object, Path, int]]
    tables: list[TableInfo]


def load_models(module_names: list[str], root: Path, files: set[Path]) -> Models:
    """Collect MetaData and tables from the audited modules (importing the named ones)."""
    try:
        from sqlalchemy import MetaData, Table  # noqa: PLC0415 - only model checks need it
    except ImportError as exc:
        raise AppLoadError("--models needs SQLAlchemy installed next to the service") from exc

    for name in module_names:
        _import(name, root)
    metadata: dict[int, tuple[object, Path, int]] = {}
    tables: dict[int, TableInfo] = {}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not file or Path(file).resolve() not in files:
            continue
        path = Path(file).resolve()
        text = path.read_text(encoding="utf-8")
        for value in list(vars(module).values()):
            table = getattr(value, "__table__", None) if inspect.isclass(value) else None
            if isinstance(table, Table) and getattr(value, "__module__", "") == name:
                where = source_line(value) or (path, 1)
                info = TableInfo(table, where[0], where[1], name)
                info.attributes = _attribute_lines(text, where[1], table)
                tables.setdefault(id(table), info)
            elif isinstance(value, Table):
                line = _table_line(text, value.name)
                tables.setdefault(id(value), TableInfo(value, path, line, name))
            if isinstance(value, MetaData):
                metadata.setdefault(id(value), (value, path, _metadata_line(text)))
            elif inspect.isclass(value) and isinstance(getattr(value, "metadata", None), MetaData):
                if getattr(value, "__module__", "") == name and "__table__" not in vars(value):
                    where = source_line(value) or (path, 1)
                    owned = getattr(value, "metadata", None)
                    metadata.setdefault(id(owned), (owned, *where))
    return Models(list(metadata.values()), list(tables.values()))


def _attribute_lines(text: str, start: int, table: object) -> dict[str, int]:
    lines = source_lines(text)
    found: dict[str, int] = {}
    for column in getattr(table, "columns", []):
        keys = {column.key, column.name}
        for number in range(start - 1, len(lines)):
            if any(re.match(rf"\s+{re.escape(k)}\s*[:=]", lines[number]) for k in keys):
                found[column.key] = number + 1
                break
    return found


def _table_line(text: str, name: str) -> int:
    match = re.search(rf"Table\(\s*[\"']{re.escape(name)}[\"']", text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _metadata_line(text: str) -> int:
    match = re.search(r"MetaData\(", text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def iter_columns(info: TableInfo) -> Iterator[tuple[Any, int]]:
    """Each column (a sqlalchemy.Column) with the line that declares it."""
    for column in getattr(info.table, "columns", []):
        yield column, info.attributes.get(column.key, info.line)

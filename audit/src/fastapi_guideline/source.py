"""The audited source tree: files, parsed modules, imports and comments, indexed once."""

import ast
import io
import os
import re
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatch
from functools import cached_property
from pathlib import Path

SKIPPED_DIRS = {
    ".git",
    ".hg",
    ".venv",
    "venv",
    "env",
    ".env",
    "__pycache__",
    "node_modules",
    ".tox",
    ".nox",
    "build",
    "dist",
    "site-packages",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
}
Function = ast.FunctionDef | ast.AsyncFunctionDef
Scope = tuple[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, ...]
ROUTE_METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "api_route"}
# Path words that say what a module is for (`tasks/service.py`, `crud/user.py`).
ROLE_WORDS = {
    "service": "service",
    "domain": "service",
    "services": "service",
    "usecases": "service",
    "use_cases": "service",
    "repository": "repository",
    "repositories": "repository",
    "repo": "repository",
    "crud": "repository",
    "dao": "repository",
    "router": "router",
    "routers": "router",
    "routes": "router",
    "endpoints": "router",
    "views": "router",
    "api": "router",
    "tests": "test",
    "test": "test",
    "conftest": "test",
    "testing": "test",
    "migrations": "migration",
    "alembic": "migration",
    "versions": "migration",
    "scripts": "script",
    "bin": "script",
    "tools": "script",
    "manage": "script",
}
NOT_SERVICE_CODE = {"test", "migration", "script"}


def discover(root: Path, exclude: Iterable[str] = ()) -> list[Path]:
    """The files to audit under `root` (or `root` itself), skipping tooling folders."""
    patterns = list(exclude)
    if root.is_file():
        return [root]
    found: list[Path] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]  # never walked: node_modules, .venv
        for name in names:
            path = Path(folder, name)
            relative = path.relative_to(root)
            if not path.is_file():
                continue
            if any(fnmatch(relative.as_posix(), p) or _under(relative, p) for p in patterns):
                continue
            found.append(path)
    return sorted(found)


def _under(relative: Path, pattern: str) -> bool:
    parts = pattern.strip("/").split("/")
    return tuple(relative.parts[: len(parts)]) == tuple(parts)


@dataclass
class Module:
    """One parsed Python file with what every check asks about it."""

    path: Path
    name: str  # dotted module name relative to the audited root
    text: str
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    comments: dict[int, str] = field(default_factory=dict)  # line -> comment text
    calls: list[tuple[ast.Call, Scope]] = field(default_factory=list)
    functions: list[tuple[Function, Scope]] = field(default_factory=list)
    classes: list[tuple[ast.ClassDef, Scope]] = field(default_factory=list)
    nodes: list[tuple[ast.AST, Scope]] = field(default_factory=list)
    in_lambda: set[int] = field(default_factory=set)  # ids of calls made inside a lambda

    @cached_property
    def by_type(self) -> dict[type, list[tuple[ast.AST, Scope]]]:
        index: dict[type, list[tuple[ast.AST, Scope]]] = {}
        for node, scope in self.nodes:
            index.setdefault(type(node), []).append((node, scope))
        return index

    def of(self, *types: type) -> Iterator[tuple[ast.AST, Scope]]:
        """The module's nodes of the given AST types, in source order within each type."""
        for kind in types:
            yield from self.by_type.get(kind, [])

    @cached_property
    def lines(self) -> list[str]:
        return source_lines(self.text)

    @cached_property
    def roles(self) -> set[str]:
        """What the path says the module is: service, repository, router, test, migration."""
        words: list[str] = [part.lower() for part in self.name.split(".")]
        words += [w for part in list(words) for w in part.split("_")]
        roles = {ROLE_WORDS[w] for w in words if w in ROLE_WORDS}
        if self.path.name.startswith("test_") or self.path.name.endswith("_test.py"):
            roles.add("test")
        if {"alembic.context", "alembic.op"} & set(self.imports.values()):
            roles.add("migration")  # an Alembic env.py or revision, wherever it lives
        return roles

    def qualname(self, node: ast.expr) -> str:
        """`h.AsyncClient` -> `httpx.AsyncClient` through the module's imports ('' if unknown)."""
        if isinstance(node, ast.Name):
            return self.imports.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value)
            return f"{base}.{node.attr}" if base else ""
        if isinstance(node, ast.Call):
            return self.qualname(node.func) + "()" if self.qualname(node.func) else ""
        return ""

    def imported(self, node: ast.expr) -> str:
        """Like qualname, but '' unless the name's root comes from an import."""
        root = node
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Call):
            return ""
        return self.qualname(node) if isinstance(root, ast.Name) and root.id in self.imports else ""

    def constant(self, node: ast.expr | None) -> ast.expr | None:
        """A module-level name's assigned value (`ORIGINS = ["*"]`), else the node itself."""
        if not isinstance(node, ast.Name):
            return node
        for statement in self.tree.body:
            if isinstance(statement, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == node.id for t in statement.targets
            ):
                return statement.value
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                if statement.target.id == node.id and statement.value is not None:
                    return statement.value
        return node

    def comment(self, line: int) -> str:
        return self.comments.get(line, "")


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """The lines as Python numbers them: `str.splitlines` also breaks at a form
    feed, U+2028 and other characters, which would shift every line after them."""
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines and not lines[-1] else lines


def parse(path: Path, root: Path) -> Module | None:
    """Parse one file; a file that is not valid Python is skipped (the compiler reports it)."""
    try:
        raw = path.read_bytes()
        # As the interpreter reads it: a BOM or a coding line decides the encoding.
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        text = raw.decode(encoding)
        tree = ast.parse(raw, filename=str(path))
    # LookupError: an unknown coding; RecursionError, MemoryError: nested deeper
    # than the parser's stack.
    except (SyntaxError, UnicodeDecodeError, ValueError, LookupError, RecursionError, MemoryError):
        return None
    relative = path.relative_to(root) if path.is_relative_to(root) else Path(path.name)
    parts = list(relative.with_suffix("").parts)
    if parts[:1] == ["src"] and not (root / "src" / "__init__.py").is_file():
        parts.pop(0)  # a src layout: `src/app/main.py` is the module `app.main`
    if parts and parts[-1] == "__init__":
        parts.pop()
    module = Module(path=path, name=".".join(parts), text=text, tree=tree)
    _index(module)
    module.comments = _comments(text)
    return module


def _index(module: Module) -> None:
    """One walk: imports, and every call, function and class with its enclosing scope.

    Decorators, defaults, annotations and bases belong to the enclosing scope (they run
    there); only the body of a function or class is inside it.
    """

    index: dict[type, list[tuple[ast.AST, Scope]]] = {}
    stack: list[tuple[ast.AST, Scope]] = [(s, ()) for s in reversed(module.tree.body)]
    while stack:
        child, scope = stack.pop()
        module.nodes.append((child, scope))
        index.setdefault(type(child), []).append((child, scope))
        if isinstance(child, ast.Import):
            for alias in child.names:
                local = alias.asname or alias.name.split(".")[0]
                module.imports[local] = alias.name if alias.asname else local
        elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
            for alias in child.names:
                module.imports[alias.asname or alias.name] = f"{child.module}.{alias.name}"
        elif isinstance(child, ast.Call):
            module.calls.append((child, scope))
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if isinstance(child, ast.ClassDef):
                module.classes.append((child, scope))
                outer: list[ast.AST] = [*child.decorator_list, *child.bases, *child.keywords]
            else:
                module.functions.append((child, scope))
                outer = [*child.decorator_list, child.args]
                outer += [child.returns] if child.returns else []
            inner = (*scope, child)
            stack.extend((statement, inner) for statement in reversed(child.body))
            stack.extend((node, scope) for node in reversed(outer))
            continue
        if isinstance(child, ast.Lambda):
            module.in_lambda.update(id(n) for n in ast.walk(child) if isinstance(n, ast.Call))
        stack.extend((node, scope) for node in reversed(_children(child)))
    module.__dict__["by_type"] = index


# Expression contexts (a third of all nodes) and operators: no check looks them up, and
# `ast.iter_child_nodes` would yield them, through two generators per node.
_NOT_INDEXED = frozenset({"ctx", "op", "ops"})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _children(node: ast.AST) -> list[ast.AST]:
    kind = type(node)
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = tuple(f for f in kind._fields if f not in _NOT_INDEXED)
    children: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            children.append(value)
        elif isinstance(value, list):
            children.extend(item for item in value if isinstance(item, ast.AST))
    return children


def _comments(text: str) -> dict[int, str]:
    """Line -> comment text, for the lines whose comment the checks read.

    Only comments that can carry a marker (`type: ignore`, `noqa`, `guideline:`) are kept; a
    `#` inside a string literal on the same line is told apart by counting the quotes before
    it. Tokenizing every file would cost most of the static run.
    """
    comments: dict[int, str] = {}
    if not MARKERS.search(text):
        return comments
    for number, line in enumerate(source_lines(text), start=1):
        if "#" not in line or not MARKERS.search(line):
            continue
        position = _comment_start(line)
        if position is not None:
            comments[number] = line[position:]
    return comments


def _comment_start(line: str) -> int | None:
    quote = ""
    escaped = False
    for index, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            return index
    return None


MARKERS = re.compile(r"#.*(type:\s*ignore|noqa|guideline:)", re.I)


def innermost_function(scope: Scope) -> Function | None:
    """The function a node runs in (None at module or class level)."""
    for item in reversed(scope):
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            return item
        return None
    return None


def in_async(scope: Scope) -> bool:
    return isinstance(innermost_function(scope), ast.AsyncFunctionDef)


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value of keyword argument `name`, or None."""
    for item in call.keywords:
        if item.arg == name:
            return item.value
    return None


def has_kwargs_spread(call: ast.Call) -> bool:
    return any(item.arg is None for item in call.keywords)


def is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def route_decorator(module: Module, function: Function) -> ast.Call | None:
    """The `@router.get(...)` decorator of an endpoint, if the function is one."""
    for decorator in function.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in ROUTE_METHODS
            and not module.qualname(decorator.func).startswith(("requests.", "httpx."))
        ):
            return decorator
    return None


def route_path(decorator: ast.Call) -> str | None:
    first = decorator.args[0] if decorator.args else keyword(decorator, "path")
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def walk_body(function: Function) -> Iterator[ast.AST]:
    """The nodes of a function's own body, not of functions or classes nested in it."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        stack.extend(_children(node))


def string_parts(node: ast.expr) -> tuple[str, bool] | None:  # noqa: PLR0911 - one per form
    """The literal text of a string-building expression and whether input is formatted in.

    Handles f-strings, `"..." % x`, `"...".format(x)` and `+` concatenation.
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, False
    if isinstance(node, ast.JoinedStr):
        text = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        return text, any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        left = string_parts(node.left)
        return (left[0], True) if left else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = string_parts(node.left), string_parts(node.right)
        if left is None and right is None:
            return None
        text = (left[0] if left else "") + " " + (right[0] if right else "")
        formatted = left is None or right is None or left[1] or right[1]
        return text, formatted
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        base = string_parts(node.func.value)
        return (base[0], True) if base else None
    return None


SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")

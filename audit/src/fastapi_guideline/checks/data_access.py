"""Data access: bounded pool, named constraints, one transaction, queries in repositories."""

import ast
import re
from collections.abc import Iterator

from fastapi_guideline.project import Project
from fastapi_guideline.registry import Hit, check
from fastapi_guideline.source import (
    Function,
    Module,
    has_kwargs_spread,
    innermost_function,
    keyword,
    route_decorator,
    route_path,
    string_parts,
    walk_body,
)

ENGINES = {
    "sqlalchemy.ext.asyncio.create_async_engine",
    "sqlalchemy.create_engine",
    "sqlalchemy.ext.asyncio.engine.create_async_engine",
}
POOL_ARGUMENTS = ("pool_size", "max_overflow", "pool_timeout")
# Stale connections: a ping per checkout, or old ones renewed (at most this old)
# together with a checkout listener that drops connections the server closed.
MAX_RECYCLE_SECONDS = 300
LISTENERS = {"sqlalchemy.event.listen", "sqlalchemy.event.listens_for"}
SQL = re.compile(
    r"\b(select\b.+\bfrom|insert\s+into|update\s+\w+\s+set|delete\s+from|where\s+\w+\s*(=|like|in)"
    r"|order\s+by|drop\s+table)",
    re.I | re.S,
)
# SQL starts with its verb or clause; prose that happens to say "select ... from" does not.
SQL_START = re.compile(
    r"^\s*(select|insert|update|delete|with|where|and|or|order|group|from|set|values|join"
    r"|limit|returning|drop|create|alter)\b",
    re.I,
)
OPERATIONS = re.compile(r"/(healthz|readyz|livez|health|ready|ping)/?$")
QUERY_CALLS = {"execute", "scalar", "scalars", "query", "exec_driver_sql"}
QUERY_BUILDERS = {
    "sqlalchemy.select",
    "sqlalchemy.insert",
    "sqlalchemy.update",
    "sqlalchemy.delete",
    "sqlalchemy.text",
    "sqlmodel.select",
}


@check(
    "ENGINE-POOL",
    ("PERF-004",),
    "static",
    "module",
    "a database engine without a bounded, explicit pool",
)
def engine_pool(module: Module, project: Project) -> Iterator[Hit]:
    for call, _ in module.calls:
        if module.qualname(call.func) not in ENGINES or has_kwargs_spread(call):
            continue
        if keyword(call, "poolclass") is not None:
            continue  # NullPool / StaticPool: no pool to bound
        missing = [name for name in POOL_ARGUMENTS if keyword(call, name) is None]
        if stale := _stale_connections(call, module, project):
            missing.append(stale)
        overflow = keyword(call, "max_overflow")
        if isinstance(overflow, ast.UnaryOp) and isinstance(overflow.op, ast.USub):
            missing.append("max_overflow=-1 (unbounded)")
        timeout = keyword(call, "pool_timeout")
        if isinstance(timeout, ast.Constant) and isinstance(timeout.value, int | float):
            if timeout.value > 30:
                missing.append(f"pool_timeout={timeout.value} (not short)")
        if missing:
            yield Hit(module.path, call.lineno, call.col_offset + 1, ", ".join(missing))


def _literal(module: Module, node: ast.expr | None) -> object:
    """A constant's value (module-level names resolved, `-1` included), else None."""
    node = module.constant(node)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _literal(module, node.operand)
        return -inner if isinstance(inner, int | float) else None
    return node.value if isinstance(node, ast.Constant) else None


def _listens_on_checkout(module: Module, call: ast.Call) -> bool:
    if module.qualname(call.func) not in LISTENERS:
        return False
    identifier = [*call.args[1:2], *(k.value for k in call.keywords if k.arg == "identifier")]
    return any(_literal(module, node) == "checkout" for node in identifier)


def _has_checkout_listener(project: Project) -> bool:
    # The listener may sit anywhere in the service (an engine module, a db package).
    return any(
        _listens_on_checkout(module, call) for module in project.modules for call, _ in module.calls
    )


def _stale_connections(call: ast.Call, module: Module, project: Project) -> str | None:
    """What the engine lacks against stale connections, or None."""
    ping, recycle = keyword(call, "pool_pre_ping"), keyword(call, "pool_recycle")
    if ping is not None:
        value = _literal(module, ping)
        if value is None and not isinstance(module.constant(ping), ast.Constant):
            return None  # from settings: trusted
        if value:
            return None
    if recycle is None:
        return "pool_pre_ping, or pool_recycle with a checkout listener"
    age = _literal(module, recycle)
    if isinstance(age, bool) or (
        isinstance(age, int | float) and not 0 < age <= MAX_RECYCLE_SECONDS
    ):
        return f"pool_recycle={age} (never, or longer than {MAX_RECYCLE_SECONDS} s)"
    if not _has_checkout_listener(project):
        return "pool_recycle without a checkout listener for closed connections"
    return None


@check(
    "METADATA-NAMING",
    ("DB-007",),
    "static",
    "module",
    "metadata without a naming convention: constraints and indexes get invented names",
)
def metadata_naming(module: Module, project: Project) -> Iterator[Hit]:
    for call, _ in module.calls:
        name = module.qualname(call.func)
        if name == "sqlalchemy.MetaData" and keyword(call, "naming_convention") is None:
            yield Hit(module.path, call.lineno, call.col_offset + 1, "MetaData()")
        if name.endswith("declarative_base") and keyword(call, "metadata") is None:
            yield Hit(module.path, call.lineno, call.col_offset + 1, "declarative_base()")
    for node, _ in module.classes:
        if any(module.qualname(b) == "sqlalchemy.orm.DeclarativeBase" for b in node.bases):
            assigned = any(
                isinstance(item, ast.Assign | ast.AnnAssign) and "metadata" in ast.unparse(item)
                for item in node.body
            )
            if not assigned:
                yield Hit(module.path, node.lineno, node.col_offset + 1, node.name)


def _session_dependency(function: Function) -> bool:
    """The session dependency owns the transaction: an async generator that yields."""
    return any(isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(function))


def _in_business_class(scope: tuple[ast.AST, ...]) -> bool:
    return any(
        isinstance(s, ast.ClassDef) and s.name.endswith(("Repository", "Repo", "Service", "CRUD"))
        for s in scope
    )


@check(
    "COMMIT-OUTSIDE-SESSION-DEPENDENCY",
    ("DB-002",),
    "static",
    "module",
    "a commit in a route, service or repository: let the session dependency commit once",
)
def commit_outside(module: Module, project: Project) -> Iterator[Hit]:
    if "test" in module.roles:
        return
    for call, scope in module.calls:
        if not isinstance(call.func, ast.Attribute) or call.func.attr != "commit" or call.args:
            continue
        function = innermost_function(scope)
        if function is None or _session_dependency(function):
            continue
        business = module.roles & {"service", "repository"} or _in_business_class(scope)
        if business or route_decorator(module, function) is not None:
            yield Hit(module.path, call.lineno, call.col_offset + 1)


def _queries(module: Module, function: Function) -> Iterator[ast.Call]:
    for node in walk_body(function):
        if not isinstance(node, ast.Call):
            continue
        if module.qualname(node.func) in QUERY_BUILDERS or (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERY_CALLS
            and "session" in ast.unparse(node.func.value).lower()
        ):
            yield node


@check(
    "QUERY-IN-ROUTER",
    ("STR-010",),
    "static",
    "module",
    "a route builds or runs a query: call a service, which calls a repository",
)
def query_in_router(module: Module, project: Project) -> Iterator[Hit]:
    for function, _ in module.functions:
        decorator = route_decorator(module, function)
        path = route_path(decorator) if decorator is not None else None
        if decorator is None or (path is not None and OPERATIONS.search(path)):
            continue  # readiness pings the database by design
        for call in _queries(module, function):
            yield Hit(module.path, call.lineno, call.col_offset + 1, module.qualname(call.func))
            break


@check(
    "QUERY-IN-SERVICE",
    ("STR-010",),
    "static",
    "module",
    "a service builds or runs a query: put each named query in the domain's repository.py",
)
def query_in_service(module: Module, project: Project) -> Iterator[Hit]:
    if "service" not in module.roles or module.roles & {"repository", "router", "test"}:
        return
    for function, _ in module.functions:
        for call in _queries(module, function):
            yield Hit(module.path, call.lineno, call.col_offset + 1, module.qualname(call.func))
            break


@check(
    "SQL-STRING",
    ("SEC-007",),
    "static",
    "module",
    "SQL built by string formatting: use SQLAlchemy expressions or bound parameters",
)
def sql_string(module: Module, project: Project) -> Iterator[Hit]:
    seen: set[int] = set()
    for node, _ in module.of(ast.JoinedStr, ast.BinOp, ast.Call):
        if not isinstance(node, ast.JoinedStr | ast.BinOp | ast.Call) or id(node) in seen:
            continue
        parts = string_parts(node)
        if parts is None:
            continue
        text, formatted = parts
        if formatted and SQL_START.match(text) and SQL.search(text):
            seen.update(id(n) for n in ast.walk(node))
            yield Hit(module.path, node.lineno, node.col_offset + 1)


@check(
    "ORDER-BY-INPUT",
    ("PAGE-003", "SEC-007"),
    "static",
    "module",
    "order_by(text(<input>)): sort only by allowlisted columns",
)
def order_by_input(module: Module, project: Project) -> Iterator[Hit]:
    for call, _ in module.calls:
        if isinstance(call.func, ast.Attribute) and call.func.attr == "order_by":
            for argument in call.args:
                if isinstance(argument, ast.Call) and module.qualname(argument.func) in {
                    "sqlalchemy.text",
                    "sqlalchemy.literal_column",
                }:
                    inner = argument.args[0] if argument.args else None
                    if inner is not None and not isinstance(inner, ast.Constant):
                        yield Hit(module.path, call.lineno, call.col_offset + 1)


@check(
    "DEPENDS-DEFAULT",
    ("INJ-001",),
    "static",
    "module",
    "`= Depends(...)` as a default: declare an Annotated alias (`XxxDep`) and use it as the type",
)
def depends_default(module: Module, project: Project) -> Iterator[Hit]:
    for function, _ in module.functions:
        args = function.args
        for default in [*args.defaults, *[d for d in args.kw_defaults if d is not None]]:
            if isinstance(default, ast.Call):
                name = module.qualname(default.func).rsplit(".", 1)[-1]
                if name in {"Depends", "Security"} and module.qualname(default.func).startswith(
                    ("fastapi", "Depends", "Security")
                ):
                    yield Hit(module.path, default.lineno, default.col_offset + 1, function.name)


LIVENESS = re.compile(r"/(healthz|livez|health/live|liveness)/?$")


@check(
    "LIVENESS-CHECKS-DEPENDENCY",
    ("OPS-006",),
    "static",
    "module",
    "the liveness probe checks a dependency: /healthz answers whenever the process serves HTTP",
)
def liveness_dependency(module: Module, project: Project) -> Iterator[Hit]:
    for function, _ in module.functions:
        decorator = route_decorator(module, function)
        path = decorator.args[0] if decorator is not None and decorator.args else None
        if not (isinstance(path, ast.Constant) and LIVENESS.search(str(path.value))):
            continue
        for node in walk_body(function):
            if isinstance(node, ast.Await) and "sleep" not in ast.unparse(node):
                yield Hit(module.path, node.lineno, node.col_offset + 1, ast.unparse(node)[:60])
                break


def _yields_session(function: Function) -> bool:
    returns = ast.unparse(function.returns) if function.returns else ""
    if "AsyncSession" in returns or "Session]" in returns:
        return True
    return any(
        isinstance(n, ast.Yield) and isinstance(n.value, ast.Name) and "session" in n.value.id
        for n in walk_body(function)
    )


@check(
    "SESSION-DEPENDENCY-WITHOUT-COMMIT",
    ("DB-002",),
    "static",
    "module",
    "the session dependency never commits: commit after the route succeeds, roll back on error",
)
def session_without_commit(module: Module, project: Project) -> Iterator[Hit]:
    for function, _ in module.functions:
        if not isinstance(function, ast.AsyncFunctionDef) or not _session_dependency(function):
            continue
        if not _yields_session(function):
            continue
        commits = any(
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr == "commit"
            for n in walk_body(function)
        )
        if not commits:
            yield Hit(module.path, function.lineno, function.col_offset + 1, function.name)

"""The floor of the service benchmark: the measured requests on raw Starlette and asyncpg.

No FastAPI, SQLAlchemy, Pydantic or middleware: what serving the same bytes costs at
least in Python. The bodies follow the API's wire contract (bench/service.py checks them
against the full stack's): datetimes in UTC with `Z`, money as a string quantized to the
currency's minor units. `uvicorn bench.floor:create_app --factory`; it imports nothing
of the example service.

Differences from the service, by design:
- auth: the bearer JWT's HS256 signature, `alg`, `kid`, `exp`, `type`, `iss` and `aud`
  are checked with the standard library, but not its session (the service reads the
  session row on every request);
- SQL: the one SELECT the service's repository sends (checked before any load), on a
  pool of the same size; no transaction and no reset query on release;
- `next_cursor`: signed, but not the service's format (its signer is the service's own
  code), so the check compares list pages without it.
"""

import base64
import hashlib
import hmac
import json
import os
import time
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

import asyncpg  # type: ignore[import-untyped]  # ships no type information
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

API = "/api/v1"
DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET = 50, 100, 10_000  # app.core.pagination's
# ISO 4217 minor units of the currencies the service accepts (app.tasks.constants).
MINOR_UNITS = {"EUR": 2, "USD": 2, "GBP": 2, "CHF": 2, "JPY": 0}
UNITS = {code: Decimal(1).scaleb(-places) for code, places in MINOR_UNITS.items()}
HEALTHY = b'{"status":"ok"}'
# The service's schemas strip text fields on the way out too (str_strip_whitespace), by
# Unicode White_Space: Python's bare strip() would also take U+001C to U+001F.
WHITESPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
JSON_TYPE = "application/json"
# What SQLAlchemy compiles for app.tasks.repository's list_with_owner (default sort,
# no filter, no cursor) and read_owned: the same statements, so PostgreSQL does the
# same work (bench.service.same_sql compares them with the app's before any load).
_SELECT = (
    "SELECT task.id, task.title, task.description, task.status, task.due_at, "
    "task.budget_amount, task.budget_currency, task.created_at, task.updated_at, "
    "user_account.id AS owner_id, user_account.display_name AS owner_display_name \n"
    "FROM task JOIN user_account ON user_account.id = task.owner_id \n"
)
LIST_SQL = (
    _SELECT + "WHERE task.owner_id = $1::UUID ORDER BY task.created_at DESC, task.id DESC \n"
    " LIMIT $2::INTEGER OFFSET $3::INTEGER"
)
DETAIL_SQL = _SELECT + "WHERE task.owner_id = $1::UUID AND task.id = $2::UUID"

Row = Mapping[str, Any]


class Pool(Protocol):
    """The part of asyncpg.Pool the handlers use (asyncpg is untyped)."""

    async def fetch(self, query: str, *args: object) -> Sequence[Row]: ...

    async def fetchrow(self, query: str, *args: object) -> Row | None: ...


class Keys:
    """What a token must carry to be accepted, read once from the service's variables."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.secret = environ["JWT_SECRET"].encode()
        self.key_id = environ.get("JWT_KEY_ID", "1")
        self.issuer = environ.get("JWT_ISSUER", "tasks-service")
        self.audience = environ.get("JWT_AUDIENCE", "tasks-api")
        self.cursor = hmac.new(self.secret, b"floor-cursor", hashlib.sha256).digest()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def owner_of(keys: Keys, authorization: str | None) -> uuid.UUID:
    """The `sub` of a valid access token; any failure is a bare 401."""
    scheme, _, token = (authorization or "").partition(" ")
    signed, _, signature = token.rpartition(".")
    header_part, _, payload_part = signed.partition(".")
    try:
        expected = hmac.new(keys.secret, signed.encode(), hashlib.sha256).digest()
        if scheme.lower() != "bearer" or not hmac.compare_digest(expected, _unb64(signature)):
            raise ValueError
        header, claims = json.loads(_unb64(header_part)), json.loads(_unb64(payload_part))
        accepted = (
            header.get("alg") == "HS256"
            and header.get("kid") == keys.key_id
            and claims.get("type") == "access"
            and claims.get("iss") == keys.issuer
            and claims.get("aud") == keys.audience
            and claims["exp"] > time.time()
        )
        if not accepted:
            raise ValueError
        return uuid.UUID(claims["sub"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise HTTPException(401) from None


def rfc3339(value: datetime | None) -> str | None:
    """UTC with `Z`; microseconds only when non-zero (isoformat's rule), as the API writes."""
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def task_json(row: Row) -> dict[str, object]:
    """A row as TaskRead serializes it, field for field and in its order."""
    amount, currency = row["budget_amount"], row["budget_currency"]
    budget = None
    if amount is not None and currency is not None:
        budget = {"amount": str(amount.quantize(UNITS[currency])), "currency": currency}
    return {
        "id": str(row["id"]),
        "title": row["title"].strip(WHITESPACE),
        "description": row["description"].strip(WHITESPACE),
        "status": row["status"],
        "due_at": rfc3339(row["due_at"]),
        "budget": budget,
        "owner": {
            "id": str(row["owner_id"]),
            "display_name": row["owner_display_name"].strip(WHITESPACE),
        },
        "created_at": rfc3339(row["created_at"]),
        "updated_at": rfc3339(row["updated_at"]),
    }


def dumps(value: object) -> bytes:
    """Compact UTF-8 JSON, as Pydantic writes it (no orjson in the service's environment)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _bounded(request: Request, name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.query_params.get(name, default))
    except ValueError:
        raise HTTPException(422) from None
    if not low <= value <= high:
        raise HTTPException(422)
    return value


def _cursor(keys: Keys, last: Row) -> str:
    # The same kind of work as the service's cursor (JSON, base64, HMAC), not its format.
    payload = _b64(dumps([last["created_at"].isoformat(), str(last["id"])]))
    return f"{payload}.{_b64(hmac.new(keys.cursor, payload.encode(), hashlib.sha256).digest())}"


def _state(request: Request) -> tuple[Pool, Keys]:
    pool: Pool = request.app.state.pool
    keys: Keys = request.app.state.keys
    return pool, keys


async def list_tasks(request: Request) -> Response:
    """GET /api/v1/tasks: a page, newest first, with one row more to tell if another follows."""
    pool, keys = _state(request)
    owner = owner_of(keys, request.headers.get("authorization"))
    limit = _bounded(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _bounded(request, "offset", 0, 0, MAX_OFFSET)
    rows = await pool.fetch(LIST_SQL, owner, limit + 1, offset)
    page = rows[:limit]
    next_cursor = _cursor(keys, page[-1]) if len(rows) > limit else None
    body = {
        "items": [task_json(row) for row in page],
        "limit": limit,
        "offset": offset,
        "next_cursor": next_cursor,
    }
    return Response(dumps(body), media_type=JSON_TYPE)


async def get_task(request: Request) -> Response:
    """GET /api/v1/tasks/{id}: the caller's task, or 404."""
    pool, keys = _state(request)
    owner = owner_of(keys, request.headers.get("authorization"))
    row = await pool.fetchrow(DETAIL_SQL, owner, request.path_params["task_id"])
    if row is None:
        raise HTTPException(404)
    return Response(dumps(task_json(row)), media_type=JSON_TYPE)


async def healthz(_: Request) -> Response:
    """GET /healthz: constant bytes."""
    return Response(HEALTHY, media_type=JSON_TYPE)


async def _keep_state(_: object) -> None:
    # The handlers change no session state, so asyncpg's reset query on release (a
    # round trip per request) would have nothing to undo.
    return None


def asyncpg_dsn(url: str) -> str:
    """The service's SQLAlchemy URL (postgresql+asyncpg://...) as asyncpg takes it."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def create_app() -> Starlette:
    """The uvicorn factory: the service's DATABASE_URL, JWT_* and pool size variables."""
    environ = dict(os.environ)
    size = int(environ.get("DB_POOL_SIZE", "10"))  # the service's defaults
    overflow = int(environ.get("DB_MAX_OVERFLOW", "0"))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # min/max as the app's QueuePool: `size` kept open, `overflow` more under load.
        app.state.pool = await asyncpg.create_pool(
            asyncpg_dsn(environ["DATABASE_URL"]),
            min_size=size,
            max_size=size + overflow,
            reset=_keep_state,
        )
        try:
            yield
        finally:
            await app.state.pool.close()

    app = Starlette(
        routes=[
            Route(f"{API}/tasks", list_tasks),
            Route(f"{API}/tasks/{{task_id:uuid}}", get_task),
            Route("/healthz", healthz),
        ],
        lifespan=lifespan,
    )
    app.state.keys = Keys(environ)
    return app

"""Probes: requests sent in-process (httpx.ASGITransport) to the app, its lifespan not run.

A 404, a 405 and a malformed JSON body must come back as problem documents, with the
security headers and the request ID; a foreign origin must not pass CORS; the docs must be
off unless a setting turns them on; the liveness and readiness routes must exist.
"""

import asyncio
import logging
import re
from collections.abc import Awaitable, Iterator
from typing import Any

from fastapi_guideline.registry import Hit, check
from fastapi_guideline.target import AppTarget

PROBLEM = "application/problem+json"
MEMBERS = ("type", "title", "status")
HEADERS = (
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "strict-transport-security",
)
SENT_ID = "audit-3f9c2a7e"
FOREIGN_ORIGIN = "https://audit.invalid"
MISSING = "/__fastapi_guideline_audit__/missing"
PROBE_SECONDS = 10.0  # per probe: a route that never answers loses its probe, not the phase


def _count(dependant: object) -> int:
    return sum(1 + _count(d) for d in getattr(dependant, "dependencies", []))


def _routes(target: AppTarget) -> list[tuple[str, set[str], bool]]:
    """(path, methods, has a body) of every route, those with fewest dependencies first.

    The lifespan does not run, so a dependency that needs its resources fails (a 500); a
    probe that ends in a 500 proves nothing and is not judged.
    """
    routes = sorted(target.all_routes, key=lambda r: _count(getattr(r, "dependant", None)))
    return [
        (
            str(getattr(r, "path", "")),
            set(getattr(r, "methods", set())),
            getattr(r, "body_field", None) is not None,
        )
        for r in routes
    ]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


async def _answer(request: Awaitable[Any]) -> Any:  # noqa: ANN401 - an httpx.Response
    """The app's answer to one probe, or None when it gives none within PROBE_SECONDS."""
    try:
        async with asyncio.timeout(PROBE_SECONDS):
            return await request
    # guideline: allow[AIM-001] no answer is the answer: its checks stay silent
    except TimeoutError:
        return None


async def _probe(target: AppTarget) -> dict[str, Any]:
    import httpx  # noqa: PLC0415 - imported when an app is probed, not for static runs

    transport = httpx.ASGITransport(app=target.app, raise_app_exceptions=False)  # type: ignore[arg-type]  # any ASGI app
    routes = _routes(target)
    methods: dict[str, set[str]] = {}
    for path, route_methods, _ in routes:
        methods.setdefault(path, set()).update(route_methods)
    found: dict[str, Any] = {}  # probe -> httpx.Response
    async with httpx.AsyncClient(transport=transport, base_url="https://audit.invalid") as client:
        found["404"] = await _answer(
            client.get(MISSING, params={"audit_token": "s3cr3t"}, headers={"X-Request-ID": SENT_ID})
        )
        found["bad-id"] = await _answer(
            client.get(MISSING, headers={"X-Request-ID": "bad id user=admin"})
        )
        for path, used in methods.items():
            spare = next(
                (m for m in ("DELETE", "PATCH", "PUT", "POST", "GET") if m not in used), None
            )
            if spare:
                found["405"] = await _answer(client.request(spare, _concrete(path)))
                break
        for path, route_methods, has_body in routes:
            if has_body:
                method = sorted(route_methods)[0]
                found["422"] = await _answer(
                    client.request(
                        method,
                        _concrete(path),
                        content=b'{"broken": ',
                        headers={"Content-Type": "application/json"},
                    )
                )
                break
        if routes:
            found["cors"] = await _answer(
                client.options(
                    _concrete(routes[0][0]),
                    headers={"Origin": FOREIGN_ORIGIN, "Access-Control-Request-Method": "GET"},
                )
            )
        for name in ("docs_url", "redoc_url", "openapi_url"):
            url = getattr(target.app, name, None)
            if url:
                found[name] = await _answer(client.get(url))
    # A probe the app never answered is left out: the checks that read it stay silent.
    return {name: answer for name, answer in found.items() if answer is not None}


def responses(target: AppTarget) -> dict[str, Any]:
    """Probe once per target; every probe check reads the same answers (500s left out)."""
    if not target.responses:
        logging.disable(logging.CRITICAL)  # the app's own error logging is not our output
        try:
            target.responses.update(asyncio.run(_probe(target)))
        finally:
            logging.disable(logging.NOTSET)
    return {
        k: v for k, v in target.responses.items() if k in {"404", "bad-id"} or v.status_code < 500
    }


def _app_hit(target: AppTarget, detail: str, route: str = "") -> Hit:
    return Hit(target.location[0], target.location[1], 1, detail, route)


ERROR_PROBES = ("404", "405", "422")


@check(
    "ERRORS-AS-PROBLEMS",
    ("ERR-001",),
    "app",
    "app",
    "a framework error is not an application/problem+json document",
)
def errors_as_problems(target: AppTarget) -> Iterator[Hit]:
    if target.router_only:
        return
    found = responses(target)
    for name in ERROR_PROBES:
        response = found.get(name)
        if response is None:
            continue
        kind = response.headers.get("content-type", "").split(";")[0]
        try:
            body = response.json()
        except ValueError:
            body = None
        missing = [m for m in MEMBERS if not isinstance(body, dict) or m not in body]
        if kind != PROBLEM or missing:
            detail = f"{name} probe answered {response.status_code} {kind or 'no type'}"
            yield _app_hit(target, detail + (f", missing {', '.join(missing)}" if missing else ""))


@check(
    "PROBLEM-INSTANCE-URL",
    ("ERR-005",),
    "app",
    "app",
    "the problem's instance carries more than the request path",
)
def instance_path(target: AppTarget) -> Iterator[Hit]:
    if target.router_only:
        return
    response = responses(target).get("404")
    try:
        body = response.json() if response is not None else None
    except ValueError:
        return
    instance = body.get("instance") if isinstance(body, dict) else None
    if isinstance(instance, str) and instance != MISSING:
        yield _app_hit(target, f"instance={instance!r}")


@check(
    "SECURITY-HEADERS",
    ("SEC-005",),
    "app",
    "app",
    "responses lack the security headers",
)
def security_headers(target: AppTarget) -> Iterator[Hit]:
    if target.router_only:
        return
    found = responses(target)
    missing = sorted(
        {
            h
            for name in ERROR_PROBES
            if name in found
            for h in HEADERS
            if h not in found[name].headers
        }
    )
    if missing:
        yield _app_hit(target, "missing " + ", ".join(missing))


@check(
    "REQUEST-ID",
    ("OBS-003",),
    "app",
    "app",
    "X-Request-ID is not echoed when valid, or not replaced when invalid",
)
def request_id(target: AppTarget) -> Iterator[Hit]:
    if target.router_only:
        return
    found = responses(target)
    if "404" not in found or "bad-id" not in found:
        return  # the app did not answer the probes
    echoed = found["404"].headers.get("x-request-id")
    replaced = found["bad-id"].headers.get("x-request-id")
    if echoed != SENT_ID:
        yield _app_hit(target, f"sent {SENT_ID!r}, got {echoed!r}")
    elif replaced is None or replaced == "bad id user=admin":
        yield _app_hit(target, f"an invalid ID came back as {replaced!r}")


@check(
    "CORS-FOREIGN-ORIGIN",
    ("SEC-001",),
    "app",
    "app",
    "CORS lets an origin that is not configured call the API",
)
def cors_foreign(target: AppTarget) -> Iterator[Hit]:
    if target.router_only:
        return
    response = responses(target).get("cors")
    allowed = response.headers.get("access-control-allow-origin") if response is not None else None
    if allowed in {"*", FOREIGN_ORIGIN}:
        credentials = response.headers.get("access-control-allow-credentials") if response else None
        yield _app_hit(
            target, f"allow-origin {allowed}" + (" with credentials" if credentials else "")
        )


@check(
    "DOCS-SERVED",
    ("DOC-005",),
    "app",
    "app",
    "the docs and the OpenAPI document are served with the settings of this run",
)
def docs_served(target: AppTarget) -> Iterator[Hit]:
    if target.router_only:
        return
    found = responses(target)
    served = [
        name
        for name in ("docs_url", "redoc_url", "openapi_url")
        if name in found and found[name].status_code == 200
    ]
    if served:
        yield _app_hit(target, ", ".join(str(getattr(target.app, n)) for n in served))


@check(
    "HEALTH-ROUTES",
    ("OPS-006",),
    "app",
    "app",
    "no GET /healthz (liveness) or /readyz (readiness) route",
)
def health_routes(target: AppTarget) -> Iterator[Hit]:
    if target.router_only:
        return
    paths = {path for path, methods, _ in _routes(target) if "GET" in methods}
    for probe in ("/healthz", "/readyz"):
        if not any(path.endswith(probe) for path in paths):
            yield _app_hit(target, probe)


@check(
    "NO-COMPRESSION",
    ("PERF-002",),
    "app",
    "app",
    "no GZip or Brotli middleware (waive it if the ingress compresses)",
)
def no_compression(target: AppTarget) -> Iterator[Hit]:
    if target.router_only:
        return
    names = [getattr(m.cls, "__name__", "") for m in getattr(target.app, "user_middleware", [])]
    if not any("gzip" in n.lower() or "brotli" in n.lower() for n in names):
        yield _app_hit(target, "")

"""Targets, console tables, the chart and the results part of docs/benchmarks.md."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bench.chart import Bar, bar_chart
from bench.common import DOCS, Json, print_table
from bench.service import RATIOS, REFERENCE

ASSETS = DOCS / "assets" / "benchmarks"
RESULTS_JSON = ASSETS / "results.json"
SERVICE_SVG = ASSETS / "service.svg"
SUITE_SVG = ASSETS / "suite.svg"
PAGE = DOCS / "benchmarks.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
DASH, TIMES = "\u2013", "\u00d7"  # typography for the page: en dash, multiplication sign
COLORS = {"full": "#00897b", "bare": "#90a4ae", "basehttp": "#ef6c00", "floor": "#5c6bc0"}
NAMES = {
    "full": "full stack",
    "bare": "no middleware",
    "basehttp": "BaseHTTPMiddleware",
    "floor": "floor (Starlette + asyncpg)",
}
MIN_FULL_OVER_BARE = 0.90
MIN_FULL_OVER_BASEHTTP = 2.0
MIN_FULL_OVER_FLOOR = 0.50
MAX_LIST_STATEMENTS = 2
MAX_FIRST_VIEW_BYTES = 150_000
MAX_AUDIT_SECONDS = 2.0
MAX_BLOCKING_MS = 200
MAX_AUDIT_STATIC_SECONDS = 0.75  # "well under 1 s"
MAX_TEST_SECONDS = 240  # `make test`, warm, on this 2-core machine (issue 11)
INTRO = f"""# Benchmarks

What the site, its test suite and the example service cost, measured by the scripts in
`bench/` and written into this page by them: run `make bench` to measure again and
rewrite everything below. The raw figures are in
[results.json](assets/benchmarks/results.json).

These are benchmarks, not tests: a missed target is reported, never failed. Every figure
is a median with the minimum and maximum of its repeated runs; the service's variants run
interleaved in the same session, so a busy machine slows them all alike.

{START}
{END}
"""


@dataclass(frozen=True)
class Target:
    """A goal, what was measured against it and whether it was met."""

    name: str
    measured: str
    met: bool | None  # None: not measured in this results file


def _range(values: Mapping[str, Any], digits: int = 1, scale: float = 1.0) -> str:
    """`median (min-max)` of a spread() dictionary."""
    median, low, high = (values[key] * scale for key in ("median", "min", "max"))
    return f"{median:,.{digits}f} ({low:,.{digits}f}{DASH}{high:,.{digits}f})"


def _ratio_target(service: Json, ratio: str, minimum: float, *, api: bool) -> Target:
    """`ratio` ≥ `minimum` at the median of rounds on the API endpoints, or on /healthz."""
    where = "list and detail" if api else REFERENCE
    name = f"{ratio} throughput ≥ {minimum:.2f}{TIMES} on {where} (median of rounds)"
    chosen = {e: data for e, data in service.items() if (e != REFERENCE) == api}
    if not chosen or any(ratio not in data["ratios"] for data in chosen.values()):
        return Target(name, "not measured", None)
    spreads = {endpoint: data["ratios"][ratio] for endpoint, data in chosen.items()}
    return Target(
        name,
        "; ".join(f"{endpoint}: {_range(values, 2)}" for endpoint, values in spreads.items()),
        all(values["median"] >= minimum for values in spreads.values()),
    )


def targets(results: Json) -> list[Target]:
    """Evaluate every target the results allow."""
    service = results.get("service", {}).get("endpoints", {})
    # The middleware targets are about the API; /healthz has a floor target of its own.
    found = [
        _ratio_target(service, "full/bare", MIN_FULL_OVER_BARE, api=True),
        _ratio_target(service, "full/basehttp", MIN_FULL_OVER_BASEHTTP, api=True),
        _ratio_target(service, "full/floor", MIN_FULL_OVER_FLOOR, api=True),
        _ratio_target(service, "full/floor", MIN_FULL_OVER_FLOOR, api=False),
    ]
    sql = results.get("sql")
    if sql:
        small, large = (sql[f"GET /tasks?limit={n}"]["statements"] for n in (10, 100))
        found.append(
            Target(
                f"list SQL statements constant in page size and ≤ {MAX_LIST_STATEMENTS}",
                f"limit=10: {small}, limit=100: {large}",
                small == large <= MAX_LIST_STATEMENTS,
            )
        )
    else:
        found.append(Target("list SQL statements constant and ≤ 2", "not measured", None))
    pages = results.get("pages")
    if pages:
        view = pages["first_view"]
        found.append(
            Target(
                f"rule page first view ≤ {MAX_FIRST_VIEW_BYTES // 1000} kB compressed, "
                "no third-party request",
                f"{view['transferred_bytes'] / 1000:.1f} kB in {view['requests']} requests, "
                f"{len(view['third_party'])} third-party",
                view["transferred_bytes"] <= MAX_FIRST_VIEW_BYTES and not view["third_party"],
            )
        )
    else:
        found.append(Target("rule page first view ≤ 150 kB", "not measured", None))
    rule_page = (pages or {}).get("lighthouse", {}).get("rule page", {})
    if "total_blocking_time_ms" in rule_page:
        blocking = rule_page["total_blocking_time_ms"]
        found.append(
            Target(
                f"Lighthouse Total Blocking Time of the longest rule page < "
                f"{MAX_BLOCKING_MS} ms, accessibility 100",
                f"{blocking:,.0f} ms ("
                + ("median, " if rule_page.get("total_blocking_time_runs_ms") else "")
                + f"{_code(rule_page['path'])}), "
                f"accessibility {rule_page['accessibility']}",
                blocking < MAX_BLOCKING_MS and rule_page["accessibility"] == 100,
            )
        )
    else:
        found.append(
            Target(
                f"Lighthouse TBT of the longest rule page < {MAX_BLOCKING_MS} ms",
                "not measured",
                None,
            )
        )
    audited = results.get("audit")
    if audited:
        whole, static = audited["full_wall_s"]["median"], audited["static_phase_s"]["median"]
        found.append(
            Target(
                f"audit of snippets/ < {MAX_AUDIT_SECONDS:g} s, static part < "
                f"{MAX_AUDIT_STATIC_SECONDS:g} s (medians)",
                f"whole {whole:.2f} s, static {static:.2f} s",
                whole < MAX_AUDIT_SECONDS and static < MAX_AUDIT_STATIC_SECONDS,
            )
        )
    else:
        found.append(Target("audit of snippets/ < 2 s", "not measured", None))
    suite = results.get("tests")
    if suite and "example" in suite:  # measured as `make test` runs (older results were not)
        total = suite["total"]["seconds"]
        passed = all(
            phase.get("exit_code") == 0 for name, phase in suite.items() if name != "total"
        )
        found.append(
            Target(
                f"`make test` warm ≤ {MAX_TEST_SECONDS} s, every phase passing",
                f"{total:,.0f} s",
                total <= MAX_TEST_SECONDS and passed,
            )
        )
    return found


def _cpu(summary: Json) -> str:
    """CPU µs per request, or a dash for results measured before it was."""
    return _range(summary["cpu_us"], 0) if "cpu_us" in summary else "—"


def _ratio_cells(data: Json) -> list[str]:
    return [_range(data["ratios"][r], 2) if r in data["ratios"] else "—" for r in RATIOS]


def verdict(target: Target) -> str:
    """PASS, MISS, or a dash for what was not measured."""
    return "—" if target.met is None else ("PASS" if target.met else "MISS")


def _print_profiles(profiles: Json) -> None:
    """The profile's top frames per endpoint, or why there is none."""
    for endpoint, data in profiles.items():
        if "error" in data:
            print(f"Profile of the full stack, {endpoint}: {data['error']}")  # noqa: T201
            continue
        print_table(
            f"Profile of the full stack, {endpoint} ({data['samples']} samples)",
            ["frame on CPU", "%"],
            [[row["frame"], row["percent"]] for row in data["self_by_frame"]],
        )


def print_results(results: Json) -> None:
    """Every section as a plain table, then the targets."""
    if site := results.get("site"):
        print_table(
            f"Site (seconds, median (min{DASH}max) of 3 runs)",
            ["measure", "seconds"],
            [
                ["mkdocs build --strict", _range(site["build_seconds"], 2)],
                ["edit → page HTML changed", _range(site["reload_seconds"], 2)],
                ["edit → rebuild done (browsers reload)", _range(site["rebuild_seconds"], 2)],
            ],
        )
    if suite := results.get("tests"):
        print_table(
            "Test suite (one run each)",
            ["phase", "seconds", "pytest"],
            [
                [name, f"{phase['seconds']:.1f}", phase.get("summary", "")]
                for name, phase in suite.items()
            ],
        )
    if pages := results.get("pages"):
        view, index = pages["first_view"], pages["search_index"]
        print_table(
            f"Page weight of {view['page']} (first view, gzip level 6)",
            ["measure", "value"],
            [
                ["requests", view["requests"]],
                ["transferred (compressed bodies)", f"{view['transferred_bytes']:,} B"],
                ["… of which the search index", f"{view['search_index_bytes']:,} B"],
                ["uncompressed", f"{view['uncompressed_bytes']:,} B"],
                ["third-party requests", len(view["third_party"])],
                [
                    "search index raw / gzip",
                    f"{index['raw_bytes']:,} B / {index['gzip_bytes']:,} B",
                ],
            ],
        )
    if slow := results.get("slow_clients"):
        print_table(
            "Slow export readers: what the other clients saw",
            ["measure", "value"],
            _slow_rows(slow),
        )
    if sql := results.get("sql"):
        print_table(
            "SQL statements per request",
            ["request", "statements", "rows", "statements seen"],
            [[name, c["statements"], c["rows"], "; ".join(c["kinds"])] for name, c in sql.items()],
        )
    if service := results.get("service"):
        rows = []
        for endpoint, data in service["endpoints"].items():
            for variant, summary in data["variants"].items():
                rows.append(
                    [
                        endpoint,
                        NAMES[variant],
                        _range(summary["rps"]),
                        _range(summary["p50_ms"], 2),
                        _range(summary["p99_ms"], 2),
                        _cpu(summary),
                    ]
                )
        print_table(
            f"Example service (median (min{DASH}max) over rounds)",
            ["endpoint", "variant", "req/s", "p50 ms", "p99 ms", "CPU µs/req"],
            rows,
        )
        print_table(
            "Full-stack throughput over each variant's, round by round",
            ["endpoint", *RATIOS],
            [[endpoint, *_ratio_cells(data)] for endpoint, data in service["endpoints"].items()],
        )
        _print_profiles(service.get("profile", {}))
    if workers := results.get("workers"):
        print_table(
            f"uvicorn processes (median (min{DASH}max) over rounds)",
            ["endpoint", "processes", "req/s", "p99 ms", "CPU µs/req", "÷ 1 process"],
            [
                [
                    endpoint,
                    count,
                    _range(summary["rps"]),
                    _range(summary["p99_ms"], 2),
                    _cpu(summary),
                    _range(data["over_one"][count], 2) if count in data["over_one"] else "1",
                ]
                for endpoint, data in workers["endpoints"].items()
                for count, summary in data["processes"].items()
            ],
        )
    if auth := results.get("auth"):
        lag = auth["loop_lag"]
        print_table(
            f"Event-loop lag: GET /healthz latency, idle and during "
            f"{lag['concurrent_sign_ins']} non-stop sign-ins",
            ["phase", "probes", "p50 ms", "p99 ms", "max ms"],
            [
                [phase, d["n"], d["p50_ms"], d["p99_ms"], d["max_ms"]]
                for phase, d in (("idle", lag["idle"]), ("sign-ins", lag["during_sign_ins"]))
            ],
        )
        print(  # noqa: T201  # the benchmark's report is its output
            f"sign-ins/s: {lag['sign_ins_per_second']}; one 16 KB hostile URL: "
            f"{auth['hostile_url_ms']['hostile_s']} ms, /healthz beside it: "
            f"{auth['hostile_url_ms']['healthz_s']} ms"
        )
        print_table(
            "Log scrubbing of hostile text (ms; a ratio near 4 is linear, near 16 quadratic)",
            ["input", *list(next(iter(auth["scrub"].values())))],
            [[name, *row.values()] for name, row in auth["scrub"].items()],
        )
    _print_cache_and_audit(results)
    print_table(
        "Targets",
        ["target", "measured", "result"],
        [[t.name, t.measured, verdict(t)] for t in targets(results)],
    )


def _service_chart(service: Json) -> str:
    groups = []
    for endpoint, data in service["endpoints"].items():
        bars = [
            Bar(
                NAMES[variant],
                s["rps"]["median"],
                s["rps"]["min"],
                s["rps"]["max"],
                COLORS[variant],
            )
            for variant, s in data["variants"].items()
        ]
        groups.append((endpoint, bars))
    title = f"Requests/s: median with min{DASH}max; each endpoint has its own scale"
    return bar_chart(title, groups, "req/s", scale_each_group=True)


def _suite_chart(suite: Json) -> str:
    bars = [
        Bar(name, phase["seconds"], color="#5c6bc0")
        for name, phase in suite.items()
        if name != "total"
    ]
    return bar_chart("Test suite: wall time by phase (one run each)", [("", bars)], "s")


def _markdown_table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _code(text: str) -> str:
    # Code spans keep `{id}` and `?` literal (attr_list would read `{id}` otherwise).
    return f"`{text}`"


def _slow_rows(slow: Json) -> list[list[object]]:
    exports = slow["export_statuses"]
    return [
        [
            "export responses (status: count)",
            ", ".join(f"{s}: {exports.count(s)}" for s in sorted(set(exports))),
        ],
        ["list requests answered", slow["requests"]],
        ["… of them 5xx", slow["server_errors"]],
        ["… unanswered", slow["unanswered"]],
        ["latency p50 / p95 / max", f"{slow['p50_ms']} / {slow['p95_ms']} / {slow['max_ms']} ms"],
    ]


def _service_rows(service: Json) -> tuple[list[list[object]], list[list[object]]]:
    """The variants' figures and the full-stack ratios, one row per endpoint and variant."""
    rows: list[list[object]] = []
    ratio_rows: list[list[object]] = []
    for endpoint, data in service["endpoints"].items():
        rows += [
            [
                _code(endpoint),
                NAMES[variant],
                _range(summary["rps"]),
                _range(summary["p50_ms"], 1),
                _range(summary["p99_ms"], 1),
                _cpu(summary),
            ]
            for variant, summary in data["variants"].items()
        ]
        ratio_rows.append([_code(endpoint), *_ratio_cells(data)])
    return rows, ratio_rows


def _options(service: Json) -> str:
    """The image's uvicorn options the FastAPI variants ran with (the floor: the loop only)."""
    options = service.get("server_options")
    if not options:
        return "uvicorn's default loop and protocol"
    shown = " ".join(f"{option} {value}" for option, value in options.items())
    return f"the image's {_code(shown)} (the floor: the same loop, uvicorn's own h11)"


def _service_section(service: Json) -> list[str]:
    settings = service["settings"]
    rows, ratio_rows = _service_rows(service)
    return [
        "## Example service",
        "",
        f"uvicorn, one worker, {_code('--no-access-log')}, {_options(service)}, on loopback, "
        "against a real "
        f"PostgreSQL seeded with one user and {settings['tasks_seeded']} tasks; loaded by "
        f"wrk with {settings['connections']} connections on {settings['wrk_threads']} "
        f"thread, bearer token and {_code('Accept-Encoding: ' + settings['accept_encoding'])}. "
        f"{settings['rounds']} rounds of {settings['duration_seconds']} s per variant and "
        f"endpoint after a {settings['warmup_seconds']} s warm-up of each, interleaved with "
        "the order rotated every round. Three variants are built by "
        f"{_code('create_app()')}: the **full stack** as it ships; **no middleware** "
        f"({_code('app.user_middleware')} cleared, exception handlers kept); and "
        "**BaseHTTPMiddleware**, the app's own middleware rewritten as in the guideline's "
        "[Appendix C sketch](rules/appendix-c-request-id.md#rid-001) "
        f"({_code('bench/basehttp.py')}).",
        "",
        f"The **floor** ({_code('bench/floor.py')}) serves the same three requests on raw "
        "Starlette and asyncpg: no FastAPI, SQLAlchemy, Pydantic or middleware. Before the "
        "load, the benchmark checks that it answers the full stack's JSON bytes (uncompressed; "
        f"the list's {_code('next_cursor')} is left out, as the floor cannot sign the "
        "service's cursors). It sends the SELECT the service sends (compared with the app's "
        "compiled statement first), on a pool of the same size, and checks the token's HS256 "
        "signature and claims with the standard library; it reads no session row and opens "
        "no transaction, so that database work of the service counts on the stack's side of "
        "the ratio.",
        "",
        "![Requests per second of the four variants](assets/benchmarks/service.svg)",
        "",
        f"{_code(REFERENCE)} touches no database and serializes a tiny body, so the "
        "middleware is most of its work: it shows the stacks' own cost, and only its "
        "floor ratio has a target.",
        "",
        *_markdown_table(
            [
                "Endpoint",
                "Variant",
                "Requests/s",
                "p50 latency (ms)",
                "p99 latency (ms)",
                "CPU µs per request",
            ],
            rows,
        ),
        "CPU µs per request: the uvicorn process's user and system time over a run, divided "
        "by the requests it answered (PostgreSQL's and wrk's CPU are not in it).",
        "",
        "Throughput ratios, taken round by round (within a round, the variants of an "
        "endpoint ran back to back):",
        "",
        *_markdown_table(
            ["Endpoint", *(f"Full ÷ {NAMES[other]}" for other in RATIOS.values())], ratio_rows
        ),
        "How the BaseHTTPMiddleware variant was built from the stack found at run time:",
        "",
        *_markdown_table(
            ["Middleware (outermost first)", "In the BaseHTTPMiddleware variant"],
            [[_code(m["middleware"]), m["basehttp"]] for m in service.get("stack", [])],
        ),
        f"Load average (1, 5, 15 min) before: {service['load_average_before']}, after: "
        f"{service['load_average_after']}; a load above the core count means other work "
        "shared the machine and the absolute figures are low, while the interleaving keeps "
        "the ratios comparable.",
        "",
    ]


def _profile_section(profiles: Json) -> list[str]:
    """The full stack's profile per endpoint: shares of CPU samples by package and by frame."""
    failed = {endpoint: data["error"] for endpoint, data in profiles.items() if "error" in data}
    profiles = {endpoint: data for endpoint, data in profiles.items() if endpoint not in failed}
    if not profiles:
        return [f"Not profiled: {reason}" for reason in dict.fromkeys(failed.values())]
    first = next(iter(profiles.values()))
    out = [
        "### Where the full stack's CPU goes",
        "",
        f"py-spy sampled the full stack's uvicorn process at {first['rate_hz']} Hz for "
        f"{first['seconds']} s of the same wrk load, after the rounds above (sampling slows "
        "the server a little; these runs are not in the figures). A sample counts for the "
        "frame that was on CPU, and that frame's package; time in C code called from Python "
        "counts for the Python frame that called it: "
        f"{_code('Runner.run')} is the event loop itself (uvloop's C code: sockets, "
        "timers, callbacks).",
        "",
    ]
    for endpoint, data in profiles.items():
        packages = ", ".join(
            f"{row['package']} {row['percent']:.1f} %" for row in data["self_by_package"]
        )
        out += [
            f"{_code(endpoint)}, {data['samples']:,} samples. By package: {packages}.",
            "",
            *_markdown_table(
                ["Frame on CPU (top)", "Samples (%)"],
                [[_code(row["frame"]), f"{row['percent']:.1f}"] for row in data["self_by_frame"]],
            ),
        ]
    return out


def _workers_section(workers: Json) -> list[str]:
    """Throughput of the full stack by uvicorn process count."""
    rows = []
    for endpoint, data in workers["endpoints"].items():
        for count, summary in data["processes"].items():
            over = data["over_one"].get(count)
            rows.append(
                [
                    _code(endpoint),
                    count,
                    _range(summary["rps"]),
                    _range(summary["p99_ms"], 1),
                    _cpu(summary),
                    _range(over, 2) if over else "1",
                ]
            )
    return [
        "## Worker processes",
        "",
        "The full stack as it ships, started with `--workers 1`, `2` and `4` (several processes "
        "with a shared `PROMETHEUS_MULTIPROC_DIR`, as in one container), "
        f"{workers['settings']['rounds']} interleaved wrk rounds of "
        f"{workers['settings']['duration_seconds']} s with {workers['connections']} connections, "
        "on this machine's cores, which PostgreSQL and wrk share. CPU µs per request adds up "
        "every process of the server.",
        "",
        *_markdown_table(
            [
                "Endpoint",
                "Processes",
                "Requests/s",
                "p99 latency (ms)",
                "CPU µs per request",
                "Throughput ÷ 1 process",
            ],
            rows,
        ),
        f"Load average (1, 5, 15 min) before: {workers['load_average_before']}, after: "
        f"{workers['load_average_after']}.",
        "",
    ]


def _print_cache_and_audit(results: Json) -> None:
    if cached := results.get("cache"):
        for user in cached.get("users", []):
            print_table(
                f"Cached read, {cached['endpoint']}, a user with {user['tasks_of_the_user']:,} "
                f"tasks (median (min{DASH}max) over rounds)",
                ["variant", "req/s", "p50 ms", "p99 ms"],
                [
                    [v, _range(x["rps"]), _range(x["p50_ms"], 2), _range(x["p99_ms"], 2)]
                    for v, x in user["variants"].items()
                ]
                + [["cached/uncached", _range(user["cached/uncached"], 2), "", ""]],
            )
    if audited := results.get("audit"):
        print_table(
            f"Audit of snippets/ ({audited['files']} files, seconds, median (min{DASH}max))",
            ["measure", "seconds"],
            [[label, _range(audited[key], 2)] for label, key in AUDIT_ROWS],
        )


def _cache_section(cached: Json) -> list[str]:
    settings = cached["settings"]
    rows = [
        [
            f"{user['tasks_of_the_user']:,}",
            variant,
            _range(x["rps"]),
            _range(x["p50_ms"], 2),
            _range(x["p99_ms"], 2),
        ]
        for user in cached.get("users", [])
        for variant, x in user["variants"].items()
    ]
    ratios = "; ".join(
        f"{user['tasks_of_the_user']:,} tasks {_range(user['cached/uncached'], 2)}"
        for user in cached.get("users", [])
    )
    return [
        "## Cached read",
        "",
        f"{_code(cached['endpoint'])}: the same app under uvicorn (one process) without "
        "REDIS_URL (a GROUP BY in PostgreSQL per request) and with it (the summary cached in "
        f"Redis for a minute), {settings['rounds']} interleaved wrk rounds of "
        f"{settings['seconds']} s, {settings['connections']} connections, for two users. "
        f"Measured {cached.get('measured', 'with the rest of this page')}.",
        "",
        *_markdown_table(
            ["Tasks of the user", "Variant", "Requests/s", "p50 latency (ms)", "p99 latency (ms)"],
            rows,
        ),
        f"Cached ÷ uncached throughput, round by round: {ratios}. A hit still authenticates "
        "the request and loads its user, so where the query is cheap the cache saves little; "
        "it pays where the computation is the cost.",
        "",
    ]


AUDIT_ROWS = (
    ("whole audit (static, app, model), wall", "full_wall_s"),
    ("whole audit, CPU", "full_cpu_s"),
    ("static phase", "static_phase_s"),
    ("app phase (imports and probes the app, in a second process)", "app_phase_s"),
    ("model phase", "model_phase_s"),
    ("static only (no --app), wall", "static_only_wall_s"),
)


def _audit_section(audited: Json) -> list[str]:
    return [
        "## Audit",
        "",
        f"{_code('fastapi-guideline audit snippets --exclude demos --app app.main:create_app')} "
        f"in a fresh process, {audited['runs']} times ({audited['files']} files, "
        f"{audited['findings']} findings), and as many times without {_code('--app')}; the "
        "phases are the tool's own timings from its JSON report. With two cores the app "
        "phase runs beside the static one.",
        "",
        *_markdown_table(
            ["Measure", "Seconds"], [[label, _range(audited[key], 2)] for label, key in AUDIT_ROWS]
        ),
        "",
    ]


def _page_kinds_section(views: Json) -> list[str]:
    if not views:
        return []
    return [
        "First views of each kind of page, measured the same way:",
        "",
        *_markdown_table(
            ["Page", "Requests", "Transferred (B)", "… search index (B)", "Uncompressed (B)"],
            [
                [
                    f"{kind} ({_code(view['page'])})",
                    view["requests"],
                    f"{view['transferred_bytes']:,}",
                    f"{view['search_index_bytes']:,}",
                    f"{view['uncompressed_bytes']:,}",
                ]
                for kind, view in views.items()
            ],
        ),
        "",
    ]


def _blocking(page: Json) -> str:
    """Total Blocking Time: the median run's, and the range of all runs."""
    median = f"{page['total_blocking_time_ms']:,.0f}"
    runs = page.get("total_blocking_time_runs_ms")
    if not runs:
        return median
    failed = page.get("failed_runs", 0)
    return f"{median} ({runs[0]:,.0f}{DASH}{runs[-1]:,.0f}" + (
        f"; {failed} failed)" if failed else ")"
    )


def _lighthouse_section(lighthouse: Json) -> list[str]:
    if not lighthouse:
        return []
    if "error" in lighthouse:
        return [f"Lighthouse did not run: {lighthouse['error']}", ""]
    pages = {k: v for k, v in lighthouse.items() if isinstance(v, dict)}
    rows: list[list[object]] = []
    for name, page in pages.items():
        if "error" in page:
            rows.append([f"{name} ({_code(page['path'])})", "failed", "", "", "", "", ""])
            continue
        rows.append(
            [
                f"{name} ({_code(page['path'])})",
                page["accessibility"],
                page["performance"],
                _blocking(page),
                f"{page['largest_contentful_paint_ms']:,.0f}",
                f"{page['dom_elements']:,.0f}",
                ", ".join(page["accessibility_audits_failed"]) or "none",
            ]
        )
    return [
        "### Lighthouse",
        "",
        f"Lighthouse {lighthouse.get('version', '')}, {lighthouse.get('form_factor', '')}, "
        + (
            f"{lighthouse['runs']} runs per page against Debian's Chromium, the site served "
            "compressed from loopback. Each row is the run with the median Total Blocking Time; "
            "the range is that of the runs that measured one."
            if lighthouse.get("runs", 1) > 1
            else "one run per page against Debian's Chromium, the site served compressed "
            "from loopback."
        ),
        "",
        *_markdown_table(
            [
                "Page",
                "Accessibility",
                "Performance",
                "Total Blocking Time (ms)",
                "Largest Contentful Paint (ms)",
                "DOM elements",
                "Accessibility audits failed",
            ],
            rows,
        ),
        "",
    ]


def render(results: Json) -> str:
    """The generated part of the page: Markdown tables and prose, never a code fence."""
    machine = results.get("machine", {})
    libraries = machine.get("libraries", {})
    out = [
        f"Measured on {results.get('date', 'an unknown date')} with {_code('make bench')} "
        f"({_code('python -m bench')}).",
        "",
        "## Targets",
        "",
        *_markdown_table(
            ["Target", "Measured", "Result"],
            [[t.name, t.measured, f"**{verdict(t)}**"] for t in targets(results)],
        ),
    ]
    if service := results.get("service"):
        out += _service_section(service)
        out += _profile_section(service.get("profile", {}))
    if workers := results.get("workers"):
        out += _workers_section(workers)
    if slow := results.get("slow_clients"):
        settings = slow["settings"]
        out += [
            "## Slow clients on the export",
            "",
            f"{settings['slow_clients']} clients start the NDJSON export of 20 000 tasks, read the "
            "head and then one byte a second; meanwhile "
            f"{settings['workers']} clients list tasks in a loop for {settings['seconds']:g} s "
            "(the shipped app under uvicorn, one worker, pool 10 + 0).",
            "",
            *_markdown_table(["Measure", "Value"], [[str(a), str(b)] for a, b in _slow_rows(slow)]),
            "",
        ]
    if cached := results.get("cache"):
        out += _cache_section(cached)
    if audited := results.get("audit"):
        out += _audit_section(audited)
    if sql := results.get("sql"):
        out += [
            "## SQL statements per request",
            "",
            "Counted with a SQLAlchemy "
            f"{_code('before_cursor_execute')} listener on the engine of an in-process app "
            f"(httpx {_code('ASGITransport')} with its lifespan running), after one warm-up "
            "request per case.",
            "",
            *_markdown_table(
                ["Request", "Statements", "Rows returned", "Statements seen"],
                [
                    [_code(name), c["statements"], c["rows"], "; ".join(c["kinds"])]
                    for name, c in sql.items()
                ],
            ),
        ]
    if pages := results.get("pages"):
        view, index = pages["first_view"], pages["search_index"]
        out += [
            "## Page weight",
            "",
            f"The first view of {_code(view['page'])} in headless Chromium (empty cache), served "
            "from the built site by a loopback server that gzips text like a static host "
            "(level 6). Bytes are the response bodies as sent.",
            "",
            *_markdown_table(
                ["Resource", "Type", "Transferred (B)", "Uncompressed (B)"],
                [
                    [
                        _code(row["url"]),
                        row["type"],
                        f"{row['transferred']:,}",
                        f"{row['decoded']:,}",
                    ]
                    for row in view["resources"]
                ]
                + [
                    [
                        f"**{view['requests']} requests**",
                        "",
                        f"**{view['transferred_bytes']:,}**",
                        f"**{view['uncompressed_bytes']:,}**",
                    ]
                ],
            ),
            f"Third-party requests: {len(view['third_party']) or 'none'}.",
            "",
            f"The search index ({_code(index['path'])}, as published with the rule aliases): "
            f"{index['raw_bytes']:,} B raw, {index['gzip_bytes']:,} B gzipped. Code blocks are "
            f"{index['code_block_share']:.0%} of it (gzipped without them: "
            f"{index['gzip_bytes_without_code_blocks']:,} B); the largest pages in it: "
            + ", ".join(f"{_code(p['page'])} {p['share']:.0%}" for p in index["largest_pages"])
            + ".",
            "",
            *_page_kinds_section(pages.get("first_views", {})),
            *_lighthouse_section(pages.get("lighthouse", {})),
        ]
    if site := results.get("site"):
        out += [
            "## Site build and live reload",
            "",
            *_markdown_table(
                ["Measure", f"Seconds, median (min{DASH}max) of 3 runs"],
                [
                    [_code("mkdocs build --strict"), _range(site["build_seconds"], 2)],
                    [
                        f"edit of {_code(site['edited_snippet'])} → {_code(site['page'])} "
                        "served with the change",
                        _range(site["reload_seconds"], 2),
                    ],
                    [
                        "edit → rebuild finished (open browsers reload)",
                        _range(site["rebuild_seconds"], 2),
                    ],
                ],
            ),
            f"{_code('mkdocs serve')} writes each page during the rebuild, so the edited page "
            "changes before the build ends; the browser reloads when it ends. Runs whose edit "
            f"landed while an earlier change was still building: {site['reload_runs_not_idle']}.",
            "",
        ]
    if suite := results.get("tests"):
        out += [
            "## Test suite",
            "",
            (
                "One run of each phase of `make test`, so these are indications, not spreads. "
                "The site's environment is installed already; the example's phase unpacks the "
                "template and makes its own environment each time, as a reader does."
                if "example" in suite
                else "One run of each phase (warm caches), so these are indications, not spreads."
            ),
            "",
            "![Test suite wall time by phase](assets/benchmarks/suite.svg)",
            "",
            *_markdown_table(
                ["Phase", "Command", "In", "Seconds", "pytest"],
                [
                    [
                        name,
                        _code(p["command"]),
                        _code(p.get("folder", ".")),
                        f"{p['seconds']:.1f}",
                        p["summary"],
                    ]
                    for name, p in suite.items()
                    if name != "total"
                ]
                + [["**total**", "", "", f"**{suite['total']['seconds']:.1f}**", ""]],
            ),
        ]
    if machine:
        out += [
            "## Machine",
            "",
            *_markdown_table(
                ["part", "this machine"],  # named headers: an empty <th> names nothing
                [
                    ["CPU", machine["cpu"]],
                    ["Cores", machine["cores"]],
                    ["Memory", f"{machine['memory_gib']} GiB"],
                    ["Kernel", machine["kernel"]],
                    ["Python", machine["python"]],
                    ["PostgreSQL", results.get("postgres", "not measured")],
                    ["wrk", machine["wrk"]],
                    ["Chromium", machine["chromium"]],
                    ["Libraries", ", ".join(f"{k} {v}" for k, v in libraries.items())],
                ],
            ),
        ]
    return "\n".join(out).rstrip() + "\n"


def write(results: Json) -> None:
    """Save the raw JSON and the charts, and rewrite the page between its markers."""
    ASSETS.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    if "service" in results:
        SERVICE_SVG.write_text(_service_chart(results["service"]), encoding="utf-8")
    if "tests" in results:
        SUITE_SVG.write_text(_suite_chart(results["tests"]), encoding="utf-8")
    page = PAGE.read_text(encoding="utf-8") if PAGE.exists() else INTRO
    if START not in page or END not in page:
        # The page belongs to bench/: without its markers it is a stub, replaced whole.
        print(f"bench: {PAGE} had no {START} / {END} markers: rewritten from the template")  # noqa: T201
        page = INTRO
    head, rest = page.split(START, 1)
    tail = rest.split(END, 1)[1]
    PAGE.write_text(f"{head}{START}\n{render(results)}{END}{tail}", encoding="utf-8")


def load_previous() -> Json:
    """The results of the last run, so one section can be measured again on its own."""
    if RESULTS_JSON.exists():
        previous: Json = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
        return previous
    return {}

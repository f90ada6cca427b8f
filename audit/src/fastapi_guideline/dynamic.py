"""The app and model phases: import the service, probe it, read its metadata.

Importing a service (FastAPI, SQLAlchemy, its own modules) costs more than parsing its whole
source tree, so the command line runs this phase in a forked child process while the parent
parses: on two cores the audit then takes about as long as the import alone. The child also
keeps the service's import away from the audit: what it prints goes to stderr (stdout holds
the report), its sys.exit() or crash becomes an error, a hang is stopped after
`options.app_timeout` seconds, and threads it leaves running do not hold the audit. A library
caller (the tests) runs the phase in-process, without the timeout.
"""

import contextlib
import importlib.util
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from fastapi_guideline.config import Options
from fastapi_guideline.registry import Check, Hit
from fastapi_guideline.target import AppLoadError, load_app, load_models


@dataclass
class Dynamic:
    """Hits per check name, errors, and the phases' timings (all picklable)."""

    hits: list[tuple[str, list[Hit]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def _run_checks(done: Dynamic, checks: list[Check], kind: str, target: object) -> None:
    """Run the checks of one kind; a check that fails costs its own findings only."""
    for check in checks:
        if check.kind != kind:
            continue
        try:
            done.hits.append((check.name, list(check.run(target))))
        except Exception as exc:  # the service's objects can surprise any check
            done.errors.append(f"check {check.name} failed: {type(exc).__name__}: {exc}")


def run(options: Options, root: Path, audited: set[Path], checks: list[Check]) -> Dynamic:
    """Run the selected app and model checks in this process (the service prints to stderr)."""
    with contextlib.redirect_stdout(sys.stderr):
        return _run(options, root, audited, checks)


def _run(options: Options, root: Path, audited: set[Path], checks: list[Check]) -> Dynamic:
    done = Dynamic()
    if options.app and any(c.kind == "app" for c in checks):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            _run_checks(done, checks, "app", load_app(options.app, root, audited))
        except AppLoadError as exc:
            done.errors.append(str(exc))
        done.timings["app"] = time.perf_counter() - started
        done.timings["app_cpu"] = time.process_time() - cpu
    has_orm = importlib.util.find_spec("sqlalchemy") is not None  # a service without an ORM
    if (options.models or (options.app and has_orm)) and any(c.kind == "model" for c in checks):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            _run_checks(done, checks, "model", load_models(options.models, root, audited))
        except AppLoadError as exc:
            done.errors.append(str(exc))
        done.timings["model"] = time.perf_counter() - started
        done.timings["model_cpu"] = time.process_time() - cpu
    return done


def _child(
    connection: Connection, options: Options, root: Path, audited: set[Path], checks: list[Check]
) -> None:
    try:
        with contextlib.suppress(OSError):
            os.dup2(2, 1)  # what the service writes to stdout, a C extension's too, goes to stderr
        connection.send(run(options, root, audited, checks))
    except BaseException as exc:  # anything the service's import raises is reported, not lost
        connection.send(Dynamic(errors=[f"the app phase failed: {type(exc).__name__}: {exc}"]))
    finally:
        connection.close()
        sys.stdout.flush()
        sys.stderr.flush()
        # Skip interpreter shutdown: it would join the threads the service started (a
        # scheduler, a metrics pusher) and run its atexit hooks.
        os._exit(0)


def start(
    options: Options, root: Path, audited: set[Path], checks: list[Check]
) -> Callable[[], Dynamic]:
    """Start the phase (in a forked child when options.jobs > 1); call the result to wait."""
    forking = "fork" in multiprocessing.get_all_start_methods()
    if options.jobs < 2 or not forking or not (options.app or options.models):
        return lambda: run(options, root, audited, checks)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, options, root, audited, checks))
    deadline = time.monotonic() + options.app_timeout
    child.start()
    sender.close()

    def wait() -> Dynamic:
        if not receiver.poll(max(0.0, deadline - time.monotonic())):
            child.kill()
            child.join()
            return Dynamic(
                errors=[
                    f"the app phase did not finish within {options.app_timeout:g} s "
                    "(an import or factory that waits on a network or a lock?); "
                    "raise --app-timeout if it is only slow"
                ]
            )
        try:
            result: Dynamic = receiver.recv()
        except EOFError:
            child.join()
            result = Dynamic(
                errors=[f"the app phase ended without a result (exit {child.exitcode})"]
            )
        child.join()
        return result

    return wait

"""The app and model phases: import the service, probe it, read its metadata.

Importing a service (FastAPI, SQLAlchemy, its own modules) costs more than parsing its whole
source tree, so the command line runs this phase in a forked child process while the parent
parses: on two cores the audit then takes about as long as the import alone. A library caller
(the tests) runs it in-process.
"""

import importlib.util
import multiprocessing
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


def run(options: Options, root: Path, audited: set[Path], checks: list[Check]) -> Dynamic:
    """Run the selected app and model checks in this process."""
    done = Dynamic()
    if options.app and any(c.kind == "app" for c in checks):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            target = load_app(options.app, root, audited)
            done.hits += [(c.name, list(c.run(target))) for c in checks if c.kind == "app"]
        except AppLoadError as exc:
            done.errors.append(str(exc))
        done.timings["app"] = time.perf_counter() - started
        done.timings["app_cpu"] = time.process_time() - cpu
    has_orm = importlib.util.find_spec("sqlalchemy") is not None  # a service without an ORM
    if (options.models or (options.app and has_orm)) and any(c.kind == "model" for c in checks):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            models = load_models(options.models, root, audited)
            done.hits += [(c.name, list(c.run(models))) for c in checks if c.kind == "model"]
        except AppLoadError as exc:
            done.errors.append(str(exc))
        done.timings["model"] = time.perf_counter() - started
        done.timings["model_cpu"] = time.process_time() - cpu
    return done


def _child(
    connection: Connection, options: Options, root: Path, audited: set[Path], checks: list[Check]
) -> None:
    try:
        connection.send(run(options, root, audited, checks))
    except Exception as exc:  # anything the service's import raises is reported, not lost
        connection.send(Dynamic(errors=[f"the app phase failed: {type(exc).__name__}: {exc}"]))
    finally:
        connection.close()


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
    child.start()
    sender.close()

    def wait() -> Dynamic:
        try:
            result: Dynamic = receiver.recv()
        except EOFError:
            result = Dynamic(
                errors=[f"the app phase ended without a result (exit {child.exitcode})"]
            )
        child.join()
        return result

    return wait

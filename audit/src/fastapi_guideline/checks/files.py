"""Project files: the Python floor and bounded dependencies (pyproject), the image (Dockerfile)."""

import re
from collections.abc import Iterator
from pathlib import Path

from fastapi_guideline.project import Project
from fastapi_guideline.registry import Hit, check

FLOOR = re.compile(r"(>=|~=|==|>)\s*3\.(?P<minor>\d+)")
NAME = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)")


def dockerfiles(project: Project) -> Iterator[Path]:
    for path in project.files:
        name = path.name
        if name == "Dockerfile" or name.endswith(".Dockerfile") or name.startswith("Dockerfile."):
            yield path


def _pyproject_line(project: Project, needle: str) -> int:
    path = project.root / "pyproject.toml"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    return 1


@check(
    "REQUIRES-PYTHON",
    ("DEP-001",),
    "static",
    "project",
    "the project does not declare requires-python >= 3.11",
)
def requires_python(project: Project) -> Iterator[Hit]:
    data = project.pyproject
    if data is None or "project" not in data:
        return
    declared = str(data["project"].get("requires-python", ""))
    match = FLOOR.search(declared)
    if match is None or int(match["minor"]) < 11:
        line = _pyproject_line(project, "requires-python") if declared else 1
        yield Hit(project.root / "pyproject.toml", line, 1, declared or "missing")


@check(
    "UNBOUNDED-DEPENDENCY",
    ("DEP-010",),
    "static",
    "project",
    "a runtime dependency without a lower and an upper bound",
)
def unbounded_dependency(project: Project) -> Iterator[Hit]:
    data = project.pyproject
    if data is None or "project" not in data:
        return
    for requirement in data["project"].get("dependencies", []):
        text = str(requirement).split(";")[0]
        if "@" in text:
            continue  # a direct reference pins itself
        bounded = ("<" in text and ">" in text) or "==" in text or "~=" in text
        if not bounded:
            match = NAME.match(text)
            name = match["name"] if match else text
            yield Hit(
                project.root / "pyproject.toml", _pyproject_line(project, f'"{name}'), 1, text
            )
    requirements = project.root / "requirements.txt"
    if requirements.is_file():
        yield Hit(requirements, 1, 1, "requirements.txt next to pyproject.toml")


def _stages(path: Path) -> list[list[tuple[int, str]]]:
    """The Dockerfile's instructions (line, text), split into build stages."""
    stages: list[list[tuple[int, str]]] = []
    joined = ""
    start = 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not joined and (not line or line.startswith("#")):
            continue
        start = start or number
        joined += " " + line.rstrip("\\")
        if line.endswith("\\"):
            continue
        instruction = joined.strip()
        if instruction.upper().startswith("FROM "):
            stages.append([])
        if stages:
            stages[-1].append((start, instruction))
        joined, start = "", 0
    return stages


@check(
    "IMAGE-ONE-STAGE",
    ("OPS-001",),
    "static",
    "file",
    "a single-stage image: build in one stage, copy only the environment into the runtime one",
)
def image_one_stage(project: Project) -> Iterator[Hit]:
    for path in dockerfiles(project):
        stages = _stages(path)
        if len(stages) == 1:
            yield Hit(path, stages[0][0][0], 1)


@check(
    "IMAGE-BASE",
    ("OPS-002",),
    "static",
    "file",
    "the runtime image starts from a floating or full base image: pin a slim tag",
)
def image_base(project: Project) -> Iterator[Hit]:
    for path in dockerfiles(project):
        stages = _stages(path)
        if not stages:
            continue
        line, instruction = stages[-1][0]
        image = instruction.split()[1] if len(instruction.split()) > 1 else ""
        if image.startswith("--platform"):
            image = instruction.split()[2]
        tag = image.split("@")[0].rpartition(":")[2] if ":" in image else ""
        if ("@sha256" not in image and (not tag or tag == "latest")) or (
            image.startswith("python:")
            and not any(w in tag for w in ("slim", "alpine", "distroless"))
        ):
            yield Hit(path, line, 1, image)


@check(
    "IMAGE-ROOT-USER",
    ("OPS-003",),
    "static",
    "file",
    "the image runs as root: end the runtime stage with USER <uid>",
)
def image_root(project: Project) -> Iterator[Hit]:
    for path in dockerfiles(project):
        stages = _stages(path)
        if not stages:
            continue
        users = [(n, i.split()[1]) for n, i in stages[-1] if i.upper().startswith("USER ")]
        if not users:
            yield Hit(path, stages[-1][0][0], 1, "no USER")
        elif users[-1][1].split(":")[0] in {"root", "0"}:
            yield Hit(path, users[-1][0], 1, "USER root")


@check(
    "FIXED-WORKER-COUNT",
    ("PERF-001",),
    "static",
    "file",
    "a worker count baked into the image: read it from WEB_CONCURRENCY",
)
def fixed_workers(project: Project) -> Iterator[Hit]:
    for path in dockerfiles(project):
        for stage in _stages(path):
            for line, instruction in stage:
                if instruction.upper().startswith(("CMD", "ENTRYPOINT")):
                    if re.search(r"(--workers|-w)[\"'\s,=]+\d+", instruction):
                        yield Hit(path, line, 1)

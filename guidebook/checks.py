"""How each kind of code block is verified: one policy, used by the thin tests in tests/.

Every function returns a list of problems (empty when the block is fine), so the same
checks serve the real suite and the tests that prove the checks bite.
"""

import configparser
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import yaml

from guidebook.dockerignore import ignored_copy_sources
from guidebook.layout import missing_paths
from guidebook.pages import Block
from guidebook.paths import ROOT, SNIPPETS

BIN = Path(sys.executable).parent
_OUTPUT_LINE = re.compile(r"^\s*#> ")


def tool(name: str) -> str:
    """The path of a tool installed in this virtual environment, or a clear failure."""
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed: run `make test`, which installs it")
    return found


def _run(args: list[str], *, stdin: str | None = None, cwd: Path = SNIPPETS) -> tuple[int, str]:
    done = subprocess.run(args, input=stdin, capture_output=True, text=True, cwd=cwd, check=False)
    return done.returncode, (done.stdout + done.stderr).strip()


def check_python(block: Block, snippets: Path = SNIPPETS) -> list[str]:
    """Python blocks compile and are stable under the project's formatter."""
    try:
        compile(block.source, block.id, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return [f"does not compile: {exc.msg} (line {exc.lineno})"]
    # Output lines (`#> ...`) are checked by running the block; the formatter would
    # rewrite them to `# > ...`, so they are left out of the format check.
    code = "".join(
        line for line in block.source.splitlines(keepends=True) if not _OUTPUT_LINE.match(line)
    )
    status, output = _run(
        [tool("ruff"), "format", "--diff", "--stdin-filename", "block.py", "-"],
        stdin=code,
        cwd=snippets,
    )
    return [] if status == 0 else [f"not format-stable (ruff format):\n{output}"]


def check_toml(block: Block) -> list[str]:
    try:
        tomllib.loads(block.source)
    except tomllib.TOMLDecodeError as exc:
        return [f"invalid TOML: {exc}"]
    return []


def check_ini(block: Block) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(block.source)
    except configparser.Error as exc:
        return [f"invalid INI: {exc}"]
    return [] if parser.sections() else ["INI block has no section"]


def check_yaml(block: Block) -> list[str]:
    try:
        list(yaml.safe_load_all(block.source))
    except yaml.YAMLError as exc:
        return [f"invalid YAML: {exc}"]
    return []


def check_shell(block: Block) -> list[str]:
    status, output = _run(["bash", "-n"], stdin=block.source)
    if status != 0:
        return [f"bash -n: {output}"]
    status, output = _run([tool("shellcheck"), "--shell=bash", "-"], stdin=block.source)
    return [] if status == 0 else [f"shellcheck:\n{output}"]


# A named section of a Dockerfile is one stage or one instruction: it cannot start with
# FROM (DL3061) or see the aliases of other stages (DL3022). The whole file is linted
# without exceptions by tests/test_snippets_quality.py.
_FRAGMENT_ONLY = ("DL3061", "DL3022")


def check_dockerfile(block: Block) -> list[str]:
    args = [tool("hadolint"), "--no-color"]
    if any(":" in target for target in block.includes):
        args += [f"--ignore={code}" for code in _FRAGMENT_ONLY]
    status, output = _run([*args, "-"], stdin=block.source)
    return [] if status == 0 else [f"hadolint:\n{output}"]


_DOTENV_LINE = re.compile(r"^[A-Z][A-Z0-9_]*=\S*$")


def check_dotenv(block: Block) -> list[str]:
    """KEY=value lines and comments only, each key once: what every dotenv reader accepts."""
    keys: list[str] = []
    problems = []
    for number, line in enumerate(block.source.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if not _DOTENV_LINE.match(line):
            problems.append(f"line {number}: not a KEY=value line: {line!r}")
        keys.append(line.partition("=")[0])
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    return problems + [f"{key} is set twice" for key in duplicates]


def check_json(block: Block) -> list[str]:
    import json  # noqa: PLC0415 - only this checker needs it

    try:
        json.loads(block.source)
    except json.JSONDecodeError as exc:
        return [f"invalid JSON: {exc}"]
    return []


def check_text(block: Block, snippets: Path = SNIPPETS) -> list[str]:
    """Plain-text blocks are checked by what they are: the layout tree or a .dockerignore."""
    files = {target.partition(":")[0] for target in block.includes}
    if files == {"layout.txt"}:
        missing = missing_paths(block.source, snippets)
        return [f"layout names a path that does not exist: {path}" for path in missing]
    if files == {".dockerignore"}:
        dockerfile = (snippets / "Dockerfile").read_text(encoding="utf-8")
        return [
            f".dockerignore keeps {path!r} out of the build context, but the Dockerfile copies it"
            for path in ignored_copy_sources(block.source, dockerfile)
        ]
    return [f"no checker for the text file(s) {sorted(files)}: add one to guidebook/checks.py"]


CHECKERS: dict[str, Callable[[Block], list[str]]] = {
    "python": check_python,
    "py": check_python,
    "toml": check_toml,
    "ini": check_ini,
    "yaml": check_yaml,
    "yml": check_yaml,
    "bash": check_shell,
    "sh": check_shell,
    "shell": check_shell,
    "dockerfile": check_dockerfile,
    "json": check_json,
    "text": check_text,
    "dotenv": check_dotenv,
}


ORIGINAL_TITLE = "original · "  # fence title of the original guideline's samples


def check_block(block: Block) -> list[str]:
    """Verify one block by its language; an unknown language is itself a problem."""
    checker = CHECKERS.get(block.language)
    if checker is None:
        return [f"no checker for language {block.language!r}: add one to guidebook/checks.py"]
    if not block.includes:
        return ["holds code typed into the page instead of an include from snippets/"]
    if block.attrs.get("title", "").startswith(ORIGINAL_TITLE):
        # The original's own sample, shown as written: it is not ours to verify,
        # but it must come from the verbatim copy, and say so in its title.
        stray = [target for target in block.includes if not target.startswith("original/")]
        return [f"an {ORIGINAL_TITLE!r} block includes {target}" for target in stray]
    return checker(block)


def ruff_check(snippets: Path = SNIPPETS) -> tuple[int, str]:
    return _run([tool("ruff"), "check", "--no-cache", "."], cwd=snippets)


def ruff_format_check(snippets: Path = SNIPPETS) -> tuple[int, str]:
    return _run([tool("ruff"), "format", "--check", "--no-cache", "."], cwd=snippets)


def mypy_check(snippets: Path = SNIPPETS, cache_dir: Path | None = None) -> tuple[int, str]:
    cache = cache_dir or ROOT / ".mypy_cache" / "snippets"
    return _run([tool("mypy"), "--cache-dir", str(cache), "."], cwd=snippets)

"""Files of the project itself that a copy of the template depends on."""

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def ignored_patterns() -> set[str]:
    lines = (PROJECT / ".gitignore").read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip()[:1] not in {"", "#"}}


def test_a_real_env_file_can_never_be_committed() -> None:
    """CFG-007: `.env` is git-ignored in every copy; `.env.example` is not."""
    patterns = ignored_patterns()

    assert ".env" in patterns
    assert not any(p in patterns for p in (".env*", "*.example", ".env.example"))


def test_local_state_stays_out_of_the_repository() -> None:
    """The virtual environment, the embedded database and caches are ignored."""
    assert {".venv/", ".local/", "__pycache__/"} <= ignored_patterns()

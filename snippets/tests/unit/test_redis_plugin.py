"""The Redis plugin keeps pytest-xdist workers on a shared server apart."""

import pytest

from tests.plugins.redis import worker_database

SHARED = "redis://:secret@redis.internal:6379/4"


def test_without_xdist_the_url_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert worker_database(SHARED) == SHARED


def test_each_worker_counts_up_from_the_database_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    urls = []
    for worker in ("gw0", "gw1", "gw11"):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
        urls.append(worker_database(SHARED))
    assert urls == [
        "redis://:secret@redis.internal:6379/4",
        "redis://:secret@redis.internal:6379/5",
        "redis://:secret@redis.internal:6379/15",
    ]


def test_a_url_without_a_database_starts_at_0(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert worker_database("redis://localhost:6379") == "redis://localhost:6379/1"


def test_a_worker_past_the_last_database_fails_with_the_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw12")
    with pytest.raises(pytest.fail.Exception, match="database 16"):
        worker_database(SHARED)

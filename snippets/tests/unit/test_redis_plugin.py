"""The Redis plugin keeps pytest-xdist workers on a shared server apart."""

import pytest

from tests.plugins.redis import worker_database

SHARED = "redis://:secret@redis.internal:6379/0"


def test_without_xdist_the_url_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert worker_database(SHARED) == SHARED


def test_each_worker_has_its_own_database(monkeypatch: pytest.MonkeyPatch) -> None:
    urls = set()
    for worker in ("gw0", "gw1", "gw15"):
        monkeypatch.setenv("PYTEST_XDIST_WORKER", worker)
        urls.add(worker_database(SHARED))
    assert urls == {
        "redis://:secret@redis.internal:6379/0",
        "redis://:secret@redis.internal:6379/1",
        "redis://:secret@redis.internal:6379/15",
    }


def test_more_workers_than_databases_fail_with_the_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw16")
    with pytest.raises(pytest.fail.Exception, match="-n 16"):
        worker_database(SHARED)

"""The Redis plugin keeps pytest-xdist workers off a shared server's one database."""

import pytest

from tests.plugins.redis import shared_redis_url

SHARED = "redis://:secret@redis.internal:6379/4"


def test_without_xdist_the_url_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert shared_redis_url(SHARED) == SHARED


def test_one_xdist_worker_may_use_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "1")
    assert shared_redis_url(SHARED) == SHARED


def test_under_xdist_a_shared_url_is_refused_with_the_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "2")
    with pytest.raises(pytest.fail.Exception, match="unset TEST_REDIS_URL") as refused:
        shared_redis_url(SHARED)
    assert "secret" not in str(refused.value)

from __future__ import annotations  # expect: FUTURE-ANNOTATIONS


def f(a: int) -> int:
    return a

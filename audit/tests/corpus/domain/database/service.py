"""Shared query helpers, as in Netflix Dispatch's `dispatch/database/service.py`."""


def paginate(items: list[str], limit: int) -> list[str]:
    return items[:limit]

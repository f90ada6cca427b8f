"""Don't: a metric labelled with the raw URL path, one series per ID."""

# fmt: off
# --8<-- [start:demo]
from collections import Counter

requests_total: Counter[tuple[str, str, int]] = Counter()


def record(method: str, raw_path: str, status: int) -> None:
    # The raw path holds the task ID: every task becomes its own time series.
    requests_total[(method, raw_path, status)] += 1


for task_id in range(1, 1001):
    record("GET", f"/api/v1/tasks/{task_id}", 200)
print(len(requests_total), "series for one endpoint")
#> 1000 series for one endpoint
# --8<-- [end:demo]
# fmt: on

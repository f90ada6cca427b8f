"""Don't: a blanket except turns a programming error into "not found"."""

# fmt: off
# --8<-- [start:demo]
tasks = {1: {"title": "Write the spec", "owner": "u-42"}}


def task_owner(task_id: int) -> str | None:
    try:
        return tasks[task_id]["ownr"]  # a typo: KeyError on every call
    except Exception:  # noqa: BLE001  # the anti-pattern shown
        return None  # reads as "no such task"


print(task_owner(1))  # the task exists; the bug is invisible
#> None
# --8<-- [end:demo]
# fmt: on

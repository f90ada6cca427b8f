"""Anti-pattern: authenticated but not authorized; any user reads any user's task."""

# fmt: off
# --8<-- [start:demo]
from dataclasses import dataclass


@dataclass(frozen=True)
class Task:
    id: int
    owner_id: int
    title: str


TASKS = {1: Task(id=1, owner_id=10, title="Payroll run")}


def get_task(task_id: int, current_user_id: int) -> Task | None:
    # current_user_id proves who is asking, but nobody checks it against the owner.
    return TASKS.get(task_id)


print(get_task(1, current_user_id=99))  # user 99 reads user 10's task
#> Task(id=1, owner_id=10, title='Payroll run')
# --8<-- [end:demo]
# fmt: on

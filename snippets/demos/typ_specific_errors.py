"""Do: catch the one error you expect, and raise a named domain error."""


# fmt: off
# --8<-- [start:demo]
class TaskNotFoundError(LookupError):
    """The task does not exist or is not visible to the caller."""


tasks = {1: {"title": "Write the spec", "owner": "u-42"}}


def task_owner(task_id: int) -> str:
    try:
        task = tasks[task_id]
    except KeyError:
        raise TaskNotFoundError(task_id) from None
    return task["owner"]  # a typo here would raise KeyError, loudly


print(task_owner(1))
#> u-42
# --8<-- [end:demo]
# fmt: on

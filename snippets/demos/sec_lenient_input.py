"""Anti-pattern: a body model without bounds that ignores unknown fields."""

# fmt: off
# --8<-- [start:demo]
from pydantic import BaseModel


class TaskCreate(BaseModel):  # pydantic's default: extra fields are dropped
    title: str  # no length limit
    priority: int  # no range


data = TaskCreate.model_validate(
    {"title": "x" * 100_000, "priority": -(10**30), "role": "admin"}
)
print(len(data.title), data.priority < 0)  # 100 kB of title, a nonsense priority
#> 100000 True
# The smuggled "role" vanished without an error, so the client never learns
# that the API ignored it.
# --8<-- [end:demo]
# fmt: on

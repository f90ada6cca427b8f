"""Anti-pattern: title and status chosen per raise, so one failure gets two shapes."""

# fmt: off
# --8<-- [start:demo]

class DomainError(Exception):
    def __init__(self, title: str, detail: str = "", status: int = 400) -> None:
        super().__init__(title)
        self.title, self.detail, self.status = title, detail, status


# Two modules report the same failure; neither gives a code a client can test.
in_tasks = DomainError("Task not found", status=404)
in_reports = DomainError("No such task", "id 42")
print(in_tasks.title == in_reports.title, in_tasks.status, in_reports.status)
#> False 404 400
# --8<-- [end:demo]
# fmt: on

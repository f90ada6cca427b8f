"""How many exports stream at once: per process, and per user."""

import uuid
from collections import Counter
from collections.abc import Callable

from app.core.exceptions import TooManyRequestsError

# An export lasts as long as its client reads: retrying at once rarely helps.
EXPORT_RETRY_AFTER_SECONDS = 10


# --8<-- [start:export-slots]
class ExportSlots:
    """A non-blocking count of running exports: over the limit is a 429 at once.

    Waiting for a slot would park the request (and its client) for as long as
    the slowest download lasts; refusing tells the client when to come back.
    """

    def __init__(self, *, total: int, per_user: int) -> None:
        self.total = total
        self.per_user = per_user
        self.running: Counter[uuid.UUID] = Counter()

    def take(self, user_id: uuid.UUID) -> Callable[[], None]:
        """Take a slot, or raise a 429; returns the function that gives it back."""
        busy = sum(self.running.values()) >= self.total
        if busy or self.running[user_id] >= self.per_user:
            raise TooManyRequestsError(
                "Too many exports are running; retry later.",
                headers={"Retry-After": str(EXPORT_RETRY_AFTER_SECONDS)},
            )
        self.running[user_id] += 1
        released = False

        def give_back() -> None:
            nonlocal released
            if not released:  # once, however the response ends
                released = True
                self.running[user_id] -= 1
                if not self.running[user_id]:
                    del self.running[user_id]

        return give_back


# --8<-- [end:export-slots]

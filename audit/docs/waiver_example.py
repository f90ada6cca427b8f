"""A waiver: the rule's ID (or a check's name) and a reason, on the line or the line above."""

import time


def warm_up() -> None:
    time.sleep(0.001)


async def start() -> None:
    # guideline: allow[EXT-006] a 1 ms pause at start-up, before any request
    warm_up()

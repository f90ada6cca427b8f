"""Don't: latency exported as an average, which hides the slow requests."""


# fmt: off
# --8<-- [start:demo]
class AverageLatency:
    """One gauge: the mean duration since start-up."""

    def __init__(self) -> None:
        self.count = 0
        self.total = 0.0

    def observe(self, seconds: float) -> None:
        self.count += 1
        self.total += seconds

    @property
    def average(self) -> float:
        return self.total / self.count


latency = AverageLatency()
for seconds in [0.01] * 95 + [5.0] * 5:  # 5 % of the users wait five seconds
    latency.observe(seconds)
print(f"average {latency.average:.2f} s")  # the dashboard says all is well
#> average 0.26 s
# --8<-- [end:demo]
# fmt: on

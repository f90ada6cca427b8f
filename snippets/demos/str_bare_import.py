"""Anti-pattern: a bare imported name hides which module's function is called."""

# fmt: off
# --8<-- [start:demo]
from shlex import join

# Forty lines further down, a reader assumes os.path.join and expects a path.
print(join(["tmp", "report 1.txt"]))
#> tmp 'report 1.txt'
# --8<-- [end:demo]
# fmt: on

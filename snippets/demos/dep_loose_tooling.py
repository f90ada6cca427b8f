"""Anti-pattern: tools installed but configured so loosely that they check little."""

import tomllib

# --8<-- [start:demo]
PYPROJECT = tomllib.loads("""
[tool.ruff.lint]
select = ["E", "F"]  # the defaults: no bandit, no async, no annotations

[tool.mypy]
ignore_missing_imports = true  # not strict: unannotated functions go unchecked
""")
# --8<-- [end:demo]

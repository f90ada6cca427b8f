"""Don't: lint exceptions without a reason, which nobody can judge later."""

import subprocess


# --8<-- [start:demo]
def git_revision() -> str:
    command = ["git", "rev-parse", "HEAD"]
    # Why is this call safe? The next reader cannot tell, and cannot tell
    # whether the exception still applies after the next change.
    result = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return result.stdout.strip()


# --8<-- [end:demo]

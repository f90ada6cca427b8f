"""Don't: free-form commit subjects, which no tool can turn into a version."""

# fmt: off
# --8<-- [start:demo]
import re

SUBJECTS = [
    "fixed stuff",
    "WIP",
    "Update tasks router",
    "remove the v0 ids (breaks old clients)",  # breaking, and nothing says so
]
# What a changelog generator reads: "type(scope)!: description".
CONVENTIONAL = re.compile(r"^[a-z]+(\([\w.-]+\))?!?: \S")
print([subject for subject in SUBJECTS if CONVENTIONAL.match(subject)])
#> []
# --8<-- [end:demo]
# fmt: on

"""Anti-pattern: a layout that every service invents anew."""

# --8<-- [start:demo]
# The files of a service that grew without a layout:
LAYOUT = (
    "main.py",  # the app at the top level, next to the domains
    "requirements.txt",  # a second list of dependencies beside pyproject.toml
    "requirements-dev.txt",
    "pyproject.toml",
    "tasks/__init__.py",  # a domain outside the application package
    "tasks/views.py",  # the endpoints, under a name no other service uses
    "tasks/crud.py",  # queries and business rules, mixed
    "tasks/serializers.py",  # the Pydantic models
    "common/helpers.py",  # shared code with no home
    "tests/test_tasks.py",  # unit and integration tests in one heap
)
# --8<-- [end:demo]

"""Anti-pattern: a requirements file beside pyproject.toml, without bounds."""

# --8<-- [start:demo]
# requirements.txt, read by the Dockerfile; pyproject.toml has its own list.
REQUIREMENTS = (
    "fastapi",  # any version: the next major arrives in a routine rebuild
    "starlette==0.27.0",  # pinned apart from FastAPI, which needs its own range
    "gunicorn",  # no Uvicorn: a WSGI server for an ASGI app
    "pydantic>=1.10",  # v1 or v2, whichever the resolver picks
    "pytest",  # a test tool installed into the production image
)
# --8<-- [end:demo]

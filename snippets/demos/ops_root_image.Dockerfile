# Don't: one stage, the full and floating base image, root, a fixed worker count.
# The `hadolint ignore` lines keep the site's own lint run quiet for this
# deliberate anti-pattern; the proof runs hadolint with them disabled.

# --8<-- [start:demo]
# Compilers, pip, the source tree and any .env lying next to it all ship,
# owned by the process that runs them.
# hadolint ignore=DL3007
FROM python:latest
WORKDIR /app
COPY . .
# hadolint ignore=DL3042
RUN pip install .
# hadolint ignore=DL3002,DL3066
USER root
# --8<-- [start:command]
# A worker count baked in: right on one machine size, wrong on every other.
CMD ["gunicorn", "app.main:create_app()", "--workers", "8", \
     "--worker-class", "uvicorn.workers.UvicornWorker", "--bind", "0.0.0.0:8000"]
# --8<-- [end:command]
# --8<-- [end:demo]

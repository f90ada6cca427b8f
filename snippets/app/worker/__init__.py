"""Heavy work off the web process: a SAQ worker on Redis, idempotent handlers."""

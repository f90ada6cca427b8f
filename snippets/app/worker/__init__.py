"""Heavy work off the web process: jobs, a broker interface, idempotent handlers."""

"""Contract tests: the OpenAPI document is the promise made to clients."""

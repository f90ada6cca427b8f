"""Integration tests: the real ASGI app on a real PostgreSQL."""

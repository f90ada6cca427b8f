"""pytest plugins of the test suite, loaded by name from tests/conftest.py."""

"""Benchmarks of the site, the test suite and the example service (`python -m bench`)."""

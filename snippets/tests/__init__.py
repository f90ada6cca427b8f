"""The example service's own tests: unit, integration and contract."""

"""Unit tests: business logic and utilities, no database."""

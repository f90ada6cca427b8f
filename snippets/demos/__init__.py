"""Standalone demos: the anti-patterns and checked outputs the rule pages show."""

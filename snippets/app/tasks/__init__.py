"""Tasks domain: the to-do items a user owns."""

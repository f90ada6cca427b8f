"""Database engine, session and ORM metadata."""

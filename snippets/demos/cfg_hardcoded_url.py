"""Anti-pattern: configuration and a password hardcoded in the source."""

# --8<-- [start:demo]
# Committed to git, the same in every environment, rotated only by a release.
DATABASE_URL = "postgresql+asyncpg://tasks:s3cr3t@db.internal:5432/tasks"
DEBUG = True  # and switched off by editing code before each deploy?
# --8<-- [end:demo]

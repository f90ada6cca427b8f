"""Do: the expand step adds the new shape next to the old one, nothing removed."""

import sqlalchemy as sa
from alembic import op


# --8<-- [start:demo]
def upgrade() -> None:
    # Release N: old code ignores the new column, new code writes both.
    op.add_column("tasks", sa.Column("title", sa.String(200), nullable=True))
    op.execute("UPDATE tasks SET title = name WHERE title IS NULL")  # small table
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction; the block
    # commits what came before it, so this revision is atomic up to here.
    with op.get_context().autocommit_block():
        op.create_index(
            "ix_tasks_title", "tasks", ["title"], postgresql_concurrently=True
        )
    # Release N+1 (contract): NOT NULL on title, drop "name", once no
    # running version reads it any more.


def downgrade() -> None:
    with op.get_context().autocommit_block():  # DROP INDEX CONCURRENTLY, too
        op.drop_index(
            "ix_tasks_title", table_name="tasks", postgresql_concurrently=True
        )
    op.drop_column("tasks", "title")


# --8<-- [end:demo]

"""Claims summed up as they are written (`claim_links`, see graph/claims.py), so `ask` reads the
links between hubs instead of summing their instances at every question; filled here from the
relations already stored (about 10 s for a million relations on SQLite).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

from actorgraph.graph.claims import rebuild_links

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_links",
        sa.Column("subject_id", sa.String(), nullable=False),
        sa.Column("object_id", sa.String(), nullable=False),
        sa.Column("object2_id", sa.String(), nullable=False),
        sa.Column("predicate", sa.String(), nullable=False),
        sa.Column("firmness", sa.Float(), nullable=False),
        sa.Column("claimed", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("instances", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", "object_id", "object2_id", "predicate"),
        sqlite_with_rowid=False,
    )
    second_object = sa.text("object2_id != ''")
    op.create_index("ix_claim_links_object2_id", "claim_links", ["object2_id"], sqlite_where=second_object,
                    postgresql_where=second_object)
    op.create_index("ix_claim_links_object_subject", "claim_links", ["object_id", "subject_id"])
    rebuild_links(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_claim_links_object_subject", "claim_links")
    op.drop_index("ix_claim_links_object2_id", "claim_links")
    op.drop_table("claim_links")

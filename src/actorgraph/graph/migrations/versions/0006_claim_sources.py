"""Claims summed up per origin and modality as they are written (`claim_sources`, see
graph/claims.py), so the page fuses the claims around an actor (independent sources, grade,
strength) without loading their instances; filled here from the relations already stored.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

from actorgraph.graph.claims import rebuild_sources

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

KEY = ("subject_id", "object_id", "object2_id", "predicate", "modality", "rhetoric", "origin", "outlet", "host")


def upgrade() -> None:
    op.create_table(
        "claim_sources",
        *(sa.Column(name, sa.String(), nullable=False) for name in KEY),
        sa.Column("firmness", sa.Float(), nullable=False),
        sa.Column("instances", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.String(), nullable=True),
        sa.Column("last_day", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint(*KEY),
        sqlite_with_rowid=False,
    )
    second_object = sa.text("object2_id != ''")
    op.create_index("ix_claim_sources_object2_id", "claim_sources", ["object2_id"], sqlite_where=second_object,
                    postgresql_where=second_object)
    op.create_index("ix_claim_sources_object_subject", "claim_sources", ["object_id", "subject_id"])
    rebuild_sources(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_claim_sources_object_subject", "claim_sources")
    op.drop_index("ix_claim_sources_object2_id", "claim_sources")
    op.drop_table("claim_sources")

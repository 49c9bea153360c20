"""Analysts' judgements on relation instances: confirm, reject, relabel, or add a missed relation.
Relations carry the verdict that applies to them (`judgement`, `judgement_id`), so every read can
leave rejected ones out without a join.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "judgements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.String(length=64), sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("verdict", sa.String(), nullable=False),
        sa.Column("subject_id", sa.String(), nullable=True),
        sa.Column("predicate", sa.String(), nullable=True),
        sa.Column("object_id", sa.String(), nullable=True),
        sa.Column("evidence_start", sa.Integer(), nullable=False),
        sa.Column("evidence_end", sa.Integer(), nullable=False),
        sa.Column("new_subject_id", sa.String(), nullable=True),
        sa.Column("new_predicate", sa.String(), nullable=True),
        sa.Column("new_object_id", sa.String(), nullable=True),
        sa.Column("new_object2_id", sa.String(), nullable=True),
        sa.Column("new_modality", sa.String(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_judgements_document_id", "judgements", ["document_id"])
    with op.batch_alter_table("relations") as batch:
        batch.add_column(sa.Column("judgement", sa.String(), nullable=True))
        batch.add_column(sa.Column("judgement_id", sa.Integer(), nullable=True))
    op.create_index("ix_relations_judgement_id", "relations", ["judgement_id"])


def downgrade() -> None:
    op.drop_index("ix_relations_judgement_id", "relations")
    with op.batch_alter_table("relations") as batch:
        batch.drop_column("judgement_id")
        batch.drop_column("judgement")
    op.drop_index("ix_judgements_document_id", "judgements")
    op.drop_table("judgements")

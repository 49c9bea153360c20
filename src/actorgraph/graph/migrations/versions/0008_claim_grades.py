"""Claims fused as they are written (`claim_grades`, see graph/grades.py), so the page draws the
network around an actor from one row a claim instead of fusing each claim's `claim_sources` rows
at every view; graded here from the sums already stored.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

from actorgraph.graph.grades import rebuild

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

KEY = ("subject_id", "object_id", "object2_id", "predicate")
TEXT = ("graded_under", "modality", "grade", "rhetoric")
NUMBERS = (("credibility", sa.Integer()), ("contradicted", sa.Integer()), ("strength", sa.Float()),
           ("firmest", sa.Float()), ("sources", sa.Integer()), ("parts", sa.Integer()), ("instances", sa.Integer()))


def upgrade() -> None:
    op.create_table(
        "claim_grades",
        *(sa.Column(name, sa.String(), nullable=False) for name in KEY + TEXT),
        *(sa.Column(name, kind, nullable=False) for name, kind in NUMBERS),
        sa.Column("first_day", sa.String(), nullable=True),
        sa.Column("last_day", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint(*KEY),
        sqlite_with_rowid=False,
    )
    second_object = sa.text("object2_id != ''")
    op.create_index("ix_claim_grades_object2_id", "claim_grades", ["object2_id"], sqlite_where=second_object,
                    postgresql_where=second_object)
    op.create_index("ix_claim_grades_object_subject", "claim_grades", ["object_id", "subject_id"])
    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_claim_grades_object_subject", "claim_grades")
    op.drop_index("ix_claim_grades_object2_id", "claim_grades")
    op.drop_table("claim_grades")

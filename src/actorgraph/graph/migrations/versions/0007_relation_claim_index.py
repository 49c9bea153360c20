"""Index the relations by claim: (subject, object, predicate) in place of (subject, object). An
answer quotes a few of the firmest instances of each claim on its paths (`Store.claim_sample`);
on the pair's index alone every such read fetched each relation between the pair, hundreds for a
link to a hub, once per claim (measured: `ask` p95 from 121 ms to 509 ms on 1M relations). The
new index still serves every lookup by subject or by (subject, object), so no index is added.

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_relations_subject_object_predicate", "relations", ["subject_id", "object_id", "predicate"])
    op.drop_index("ix_relations_subject_object", "relations")


def downgrade() -> None:
    op.create_index("ix_relations_subject_object", "relations", ["subject_id", "object_id"])
    op.drop_index("ix_relations_subject_object_predicate", "relations")

"""The initial schema: documents, actors and their aliases, mentions, relations, merges (links and
blocks) and rhetoric spans, as actorgraph created them before it used Alembic.

Written out here rather than imported from actorgraph.schema: a migration must keep describing
the schema of its time when schema.py changes later.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _actor(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(), sa.ForeignKey("actors.id"), nullable=nullable)


def _document() -> sa.Column:
    return sa.Column("document_id", sa.String(length=64), sa.ForeignKey("documents.id"), nullable=False)


def _strings(*names: str, nullable: bool = False) -> list[sa.Column]:
    return [sa.Column(name, sa.String(), nullable=nullable) for name in names]


def _integers(*names: str, nullable: bool = False) -> list[sa.Column]:
    return [sa.Column(name, sa.Integer(), nullable=nullable) for name in names]


def _index(table: str, *columns: str, name: str | None = None) -> None:
    op.create_index(name or op.f(f"ix_{table}_{columns[0]}"), table, list(columns), unique=False)


def upgrade() -> None:
    op.create_table(
        "actors", sa.Column("id", sa.String(), nullable=False), *_strings("name", "type"),
        sa.PrimaryKeyConstraint("id"))
    op.create_table(
        "documents", sa.Column("id", sa.String(length=64), nullable=False), *_strings("name"),
        *_strings("title", "url", "source", "author", "published", "language", "path", nullable=True),
        sa.Column("text", sa.Text(), nullable=False), *_strings("added_at"),
        sa.Column("root_id", sa.String(), nullable=True), sa.Column("signature", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"))
    _index("documents", "root_id")
    op.create_table(
        "actor_blocks", _id(), _actor("actor_id"), _actor("other_id"),
        sa.PrimaryKeyConstraint("id"), sa.UniqueConstraint("actor_id", "other_id"))
    _index("actor_blocks", "actor_id")
    op.create_table(
        "actor_links", _actor("actor_id"), _actor("into_id"), *_strings("reason", "origin", "created_at"),
        sa.PrimaryKeyConstraint("actor_id"))
    _index("actor_links", "into_id")
    op.create_table(
        "aliases", _id(), _actor("actor_id"), *_strings("alias", "alias_norm"),
        sa.PrimaryKeyConstraint("id"), sa.UniqueConstraint("actor_id", "alias_norm"))
    _index("aliases", "actor_id")
    _index("aliases", "alias_norm")
    op.create_table(
        "mentions", _id(), _document(), _actor("actor_id"), *_strings("text"), *_integers("start_char", "end_char"),
        *_strings("via"), sa.PrimaryKeyConstraint("id"))
    _index("mentions", "actor_id")
    _index("mentions", "document_id")
    op.create_table(
        "relations", _id(), _document(), _actor("subject_id"), _actor("object_id"),
        _actor("object2_id", nullable=True), *_strings("predicate"), *_strings("kind", nullable=True),
        *_strings("modality"),
        *_strings("attributed_to", "time_start", "time_end", "time_text", "time_value", nullable=True),
        sa.Column("evidence_text", sa.Text(), nullable=False), *_integers("evidence_start", "evidence_end"),
        *_strings("extractor"), sa.Column("confidence", sa.Float(), nullable=False),
        *_strings("rhetoric", nullable=True),
        *_strings("subject_mention"), *_integers("subject_start", "subject_end"), *_strings("subject_via"),
        *_strings("object_mention"), *_integers("object_start", "object_end"), *_strings("object_via"),
        *_strings("object2_mention", nullable=True), *_integers("object2_start", "object2_end", nullable=True),
        *_strings("object2_via", nullable=True),
        sa.PrimaryKeyConstraint("id"))
    for column in ("document_id", "object2_id", "object_id", "predicate", "subject_id"):
        _index("relations", column)
    _index("relations", "document_id", "evidence_start", name="ix_relations_document_evidence")
    _index("relations", "subject_id", "object_id", name="ix_relations_subject_object")
    _index("relations", "object_id", "subject_id", name="ix_relations_object_subject")
    op.create_table(
        "rhetoric_spans", _id(), _document(), *_strings("technique"), *_integers("start_char", "end_char"),
        sa.Column("text", sa.Text(), nullable=False), sa.Column("confidence", sa.Float(), nullable=False),
        *_strings("cue"), sa.PrimaryKeyConstraint("id"))
    _index("rhetoric_spans", "document_id")
    _index("rhetoric_spans", "technique")


def downgrade() -> None:
    for table in ("rhetoric_spans", "relations", "mentions", "aliases", "actor_links", "actor_blocks",
                  "documents", "actors"):
        op.drop_table(table)

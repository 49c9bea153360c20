"""Graph: extractions become a stored, queryable graph. The store (SQLite or PostgreSQL, Alembic
migrations) writes each document in one transaction and resolves actors across documents; fusion
groups instances into claims with independent sources, contradictions and Admiralty grades."""

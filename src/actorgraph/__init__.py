"""actorgraph: evidence-graded knowledge graphs of armed-conflict actors, built offline from text.

The Python API is a `Workspace` over one database (see `actorgraph.workspace`):

    import actorgraph as ag
    g = ag.open("conflict.sqlite")                    # a SQLite file or a SQLAlchemy URL
    g.ingest("reports/", source="Sahel Wire")
    g.ask("Taliban", "TTP")                           # what `actorgraph ask --format json` prints
    g.relations(actor="TTP", min_grade="C3")          # a pandas DataFrame when pandas is installed
    g.to_networkx()
    g.extract("Turkey armed the SNA in 2019.")        # relations of a text, nothing stored
    ag.extract_text("Turkey armed the SNA in 2019.")  # the same without a database
"""

__version__ = "0.1.0"
API = ("open", "Workspace", "extract_text", "extract_files", "profile")
__all__ = [*API, "__version__"]


def __getattr__(name: str):
    """The API is imported on first use, so `import actorgraph.models` stays light."""
    if name in API:
        from . import workspace

        return getattr(workspace, name)
    raise AttributeError(f"module 'actorgraph' has no attribute {name!r}")

"""actorgraph: evidence-graded knowledge graphs of armed-conflict actors, built offline from text."""

__version__ = "0.1.0"

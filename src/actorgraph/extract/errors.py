"""The extraction stage's errors that the CLI reports in one line, importable without spaCy."""


class PipelineMissing(RuntimeError):
    """Raised when the trained English pipeline is not installed."""


class StaleModel(RuntimeError):
    """The model file was built for other features than this code computes."""

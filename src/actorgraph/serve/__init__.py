"""Serve: the workbench, a FastAPI app over a `Workspace` (JSON API, uploads with progress,
corrections) and the page in `web/` (plain HTML and JavaScript, no build step)."""

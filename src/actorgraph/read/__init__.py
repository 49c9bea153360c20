"""Read: files and folders (.txt, .md with front matter, .html, .jsonl) become `Document`s with their
metadata; every bad file or line becomes one `ReadError` naming it, and the rest is still read."""

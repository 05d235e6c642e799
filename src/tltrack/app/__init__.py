"""What each command does: use cases over a workspace, returning data and message ids, never
text. Imports workspace/, sources/, the stores' interface, files/, domain/, text/ and
errors."""

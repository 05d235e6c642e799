"""tltrack: keep a government's annual targets in TOML and see which are on pace."""

__version__ = "0.1.0"

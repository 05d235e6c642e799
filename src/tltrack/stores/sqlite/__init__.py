"""The SQLite store: `<year>.records.sqlite`, for folders too large for one TOML file."""

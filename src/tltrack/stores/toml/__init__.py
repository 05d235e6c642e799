"""The TOML store: `<year>.records.toml`, written only by tltrack, one figure a line."""

"""Files on disk: reading them safely, writing them atomically under a lock, the parse
cache, and the hand-written files (target files, plan.toml) with their schema. Imports only
domain/, text/ and errors."""

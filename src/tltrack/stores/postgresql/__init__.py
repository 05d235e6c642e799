"""The PostgreSQL store: one database for many offices, each writing as its own role."""

"""`tltrack db`: the PostgreSQL store's schema and its roles, for the data folder whose
figures are kept there."""

from __future__ import annotations

from pathlib import Path

from tltrack.files.target_file import load_catalog, target_files
from tltrack.stores.choice import database_url, grant_role, init_database
from tltrack.workspace.folder import find_data_dir


def init(data_dir: Path | None) -> tuple[int, int, int]:
    """Create or migrate the schema, with which lead office leads each target of each year of
    the folder; returns the schema's version before and now, and how many years."""
    folder = find_data_dir(data_dir)
    catalogs = [load_catalog(path) for path in target_files(folder)]
    url = database_url(catalogs[-1].meta.store if catalogs else "toml")
    before, now = init_database(url, [(c.year, c.targets) for c in catalogs])
    return before, now, len(catalogs)


def grant(data_dir: Path | None, role: str, region: str | None, owner: str | None) -> None:
    """Let a database role record the figures of a region, a lead office, or (neither) all."""
    folder = find_data_dir(data_dir)
    files = target_files(folder)
    configured = load_catalog(files[-1]).meta.store if files else "toml"
    grant_role(database_url(configured), role, region, owner)

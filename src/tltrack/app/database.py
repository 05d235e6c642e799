"""`tltrack db`: the PostgreSQL store's schema and its roles, for the data folder whose
figures are kept there."""

from __future__ import annotations

from pathlib import Path

from tltrack.domain.catalog import Catalog
from tltrack.domain.responsibility import check_name
from tltrack.files.target_file import load_catalog, target_files
from tltrack.stores.choice import database_url, grant_role, init_database, revoke_role
from tltrack.workspace.folder import find_data_dir


def init(data_dir: Path | None) -> tuple[int, int, int]:
    """Create or migrate the schema, with which lead office leads each target of each year of
    the folder; returns the schema's version before and now, and how many years."""
    folder = find_data_dir(data_dir)
    catalogs = [load_catalog(path) for path in target_files(folder)]
    url = database_url(catalogs[-1].meta.store if catalogs else "toml")
    before, now = init_database(url, [(c.year, c.targets) for c in catalogs])
    return before, now, len(catalogs)


def grant(data_dir: Path | None, role: str, region: str | None, owner: str | None) -> str:
    """Let a database role record the figures of a region, a lead office, or (neither) all.
    The region or office must be one the folder's target files name (else "did you mean",
    exit 2): a grant to a misspelt name would let the role record nothing. Returns the
    name granted, as the files spell it."""
    catalogs = _catalogs(data_dir)
    if region is not None:
        regions = sorted({r for c in catalogs for r in c.meta.regions})
        region = check_name(region, regions, "region")
    if owner is not None:
        owners = sorted({t.owner for c in catalogs for t in c.targets if t.owner is not None})
        owner = check_name(owner, owners, "owner")
    configured = catalogs[-1].meta.store if catalogs else "toml"
    grant_role(database_url(configured), role, region, owner)
    return region or owner or ""


def revoke(data_dir: Path | None, role: str) -> None:
    """Take back what `grant` gave a database role."""
    catalogs = _catalogs(data_dir)
    configured = catalogs[-1].meta.store if catalogs else "toml"
    revoke_role(database_url(configured), role)


def _catalogs(data_dir: Path | None) -> list[Catalog]:
    return [load_catalog(path) for path in target_files(find_data_dir(data_dir))]

"""Where figures are kept: the store interface (base), the one place that picks a year's
store (choice), and the stores themselves: toml/, sqlite/, postgresql/. Imports files/,
domain/, text/ and errors; outside this package only base and choice are imported."""

"""How each command's result is shown: one View per result (columns, rows of cells with a
plain value for scripts and text for people, notes, the JSON document), the cells shared by
every output, and one writer per format (table, Markdown, CSV, JSON). Imports app/ (its
result types), domain/, text/ and errors."""

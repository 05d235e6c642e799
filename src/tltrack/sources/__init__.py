"""Files other offices send: one reader per format (CSV, .xlsx, JSON), chosen by suffix,
each reading a file once into rows of figures or a returned form; cells as bureaus write
them. Imports only files/, domain/, text/ and errors."""

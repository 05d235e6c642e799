"""The command line: typer, the options the commands share, help and errors in the run's
language, and one module per command in commands/ (parse, one app call, one view, one
writer). Imports everything; nothing imports it."""

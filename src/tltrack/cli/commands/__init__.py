"""One module per command; each registers its command on cli.app's app when imported
(cli.main imports them all, in the order of the help page)."""

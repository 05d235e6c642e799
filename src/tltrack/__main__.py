from tltrack.cli.main import main

main()

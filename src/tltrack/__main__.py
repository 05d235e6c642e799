from tltrack.cli import main

main()

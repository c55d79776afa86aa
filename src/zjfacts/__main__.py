"""`python -m zjfacts`: the same command line as the `zjfacts` script."""

from zjfacts.cli import main

main()

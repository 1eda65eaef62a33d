"""``python -m crawler`` runs the ``hbdt`` command line."""

from crawler.cli import main

main()

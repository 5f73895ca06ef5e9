"""Stage 1: read ``data/`` and ``references.bib`` and check them, every problem with its file, row and column."""

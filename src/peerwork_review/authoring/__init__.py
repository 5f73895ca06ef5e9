"""Authoring: the workbook authors edit, written from ``data/`` and imported back into it."""

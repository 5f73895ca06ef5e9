"""Stage 6: the book's Sphinx extension and the strict build."""

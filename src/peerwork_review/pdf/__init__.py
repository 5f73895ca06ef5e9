"""Stage 7: the PDF edition, printed from the single-page build."""

"""Stage 5: what the notebooks call, the notebooks generated from the data, and ``make refresh``."""

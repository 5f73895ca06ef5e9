"""Stage 4: derived tables as MyST markdown and matplotlib figures, every data value escaped."""

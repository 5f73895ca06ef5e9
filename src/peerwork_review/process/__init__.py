"""Running one build or refresh at a time, and stopping cleanly on a signal."""

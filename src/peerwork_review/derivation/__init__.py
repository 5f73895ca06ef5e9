"""Stage 3: counts, ranges and statuses computed from a review; pure functions that return tables."""

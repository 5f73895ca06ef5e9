"""Benchmarks of the book: ``python -m bench.run`` (``make bench``); see bench/run.py."""

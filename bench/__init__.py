"""Benchmarks of the core, the HTTP step endpoint and play mode: `make bench` writes BENCHMARKS.md."""

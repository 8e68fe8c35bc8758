"""Benchmarks run by ``make bench``; every figure is a ratio to a baseline timed in the same run."""

"""``python -m benchmarks``: runs every benchmark on a throwaway database and prints ratios."""

from benchmarks.harness import setup_django, throwaway_database

setup_django()

from benchmarks import (  # noqa: E402 (Django must be set up first)
    certificates,
    engine,
    queue,
    transitions,
)

BENCHMARKS = [engine, transitions, queue, certificates]

with throwaway_database():
    for benchmark in BENCHMARKS:
        print(benchmark.run(), flush=True)

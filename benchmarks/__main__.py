"""``python -m benchmarks``: runs every benchmark on a throwaway database and prints ratios."""

from benchmarks.harness import setup_django, throwaway_database

setup_django()

from benchmarks import (  # noqa: E402 (Django must be set up first)
    certificates,
    engine,
    public,
    queue,
    registry,
    transitions,
)

# public reads the certificates that certificates issued; registry, last, adds 100,000
# organisations the others would wade through.
BENCHMARKS = [engine, transitions, queue, certificates, public, registry]

with throwaway_database():
    for benchmark in BENCHMARKS:
        print(benchmark.run(), flush=True)

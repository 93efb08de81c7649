"""The benchmark suite of docs/contracts.md#performance-targets, run by `make bench` (`python -m tests.bench`).

Not pytest tests: no module here is named test_*.py and nothing defines test_ functions. Each benchmark
builds its own SQLite database in a temporary directory with the same setup the tests use.
DIBAO_BENCH_SCALE (default 1.0) scales the row counts down for a quick run, e.g. 0.01.
"""

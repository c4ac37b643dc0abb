"""Performance measurements of dangbo on a large demo committee (``python -m benchmarks``).

Not part of the test suite: it builds the demo committee at the requested
size in a scratch database (SQLite file, and PostgreSQL when asked) and
reports each timing as a ratio to a baseline measured in the same run on the
same database, so the figures compare across machines.
"""

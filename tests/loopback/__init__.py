"""A real OpenAI-compatible HTTP server on loopback, for tests, benchmarks and manual trials.

See :mod:`tests.loopback.server` (``python -m tests.loopback.server --help``).
"""

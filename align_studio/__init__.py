"""Align Studio: behavioral specifications for AI features, previewed, judged and handed over."""

__version__ = "0.1.0"

"""Providers: connection profiles, keychain secrets, the OpenAI-compatible client, redaction.

The run engine that uses them lives in :mod:`align_studio.runs`.
"""

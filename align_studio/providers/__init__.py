"""Providers: connection profiles, keychain secrets, the OpenAI-compatible client and the runner."""

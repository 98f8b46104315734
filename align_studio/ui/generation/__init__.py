"""Generated cases, revision, A/B and stability in the window (issue 19)."""

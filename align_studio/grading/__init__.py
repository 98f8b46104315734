"""Grading: deterministic checks, the judge model, agreement statistics and the spec linter."""

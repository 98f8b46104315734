"""Deterministic checks: assertions on a response that need no model to decide."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from align_studio.domain.base import DomainObject, StrEnum


class CheckType(StrEnum):
    """The kinds of deterministic check; each is documented in docs/spec-format.md."""

    CONTAINS = "contains"
    NOT_CONTAINS = "not-contains"
    CONTAINS_ANY = "contains-any"
    CONTAINS_ALL = "contains-all"
    REGEX = "regex"
    STARTS_WITH = "starts-with"
    EQUALS = "equals"
    IS_JSON = "is-json"
    JSON_SCHEMA = "json-schema"
    MAX_WORDS = "max-words"
    MIN_WORDS = "min-words"
    MAX_CHARS = "max-chars"
    MIN_CHARS = "min-chars"
    REFUSAL = "refusal"


#: Which field each check type needs, and what sort of value it holds.
REQUIRED_FIELD: dict[CheckType, tuple[str, str]] = {
    CheckType.CONTAINS: ("value", "text"),
    CheckType.NOT_CONTAINS: ("value", "text"),
    CheckType.CONTAINS_ANY: ("values", "list"),
    CheckType.CONTAINS_ALL: ("values", "list"),
    CheckType.REGEX: ("value", "text"),
    CheckType.STARTS_WITH: ("value", "text"),
    CheckType.EQUALS: ("value", "text"),
    CheckType.JSON_SCHEMA: ("schema", "mapping"),
    CheckType.MAX_WORDS: ("value", "number"),
    CheckType.MIN_WORDS: ("value", "number"),
    CheckType.MAX_CHARS: ("value", "number"),
    CheckType.MIN_CHARS: ("value", "number"),
    CheckType.REFUSAL: ("value", "text"),
}

#: The classes the refusal check can expect.
REFUSAL_CLASSES = ("comply", "refuse", "partial")


class Check(DomainObject):
    """One deterministic assertion on a response.

    ``value`` holds the text, pattern or number the check compares with; ``values`` a list
    for the any/all checks; ``schema`` a JSON Schema. ``negate`` inverts the result.
    """

    # ``values: [NHS 111, 111]`` reads 111 as text rather than refusing the file
    model_config = ConfigDict(coerce_numbers_to_str=True)

    type: CheckType
    value: str | int | float | None = None
    values: list[str] | None = None
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    case_sensitive: bool = False
    negate: bool = False
    description: str | None = None

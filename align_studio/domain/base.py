"""The base class of every domain type, and the vocabularies (enumerations) of the spec."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer
from pydantic_core import PydanticUndefined


class DomainObject(BaseModel):
    """A piece of a spec.

    Unknown keys are kept (``extra="allow"``) so that a key written by a newer app or by
    hand survives every save; assignment is not validated so that the editor can hold a
    half-finished value while the PM types (problems are reported by
    :func:`align_studio.domain.problems.find_problems` instead).
    """

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        use_enum_values=False,
        validate_assignment=False,
        ser_json_timedelta="float",
    )

    @model_serializer(mode="wrap")
    def _drop_untouched_defaults(self, handler: SerializerFunctionWrapHandler) -> Any:
        # A field is written when it was read from the file, set, or no longer holds its
        # default (a list filled in place); so an untouched spec dumps exactly its keys.
        data = handler(self)
        if not isinstance(data, dict):
            return data
        # An empty optional field (``notes:`` or ``notes: null``) is not written either:
        # clearing a field removes its line, and the writer leaves such lines of the file
        # alone while they stay empty.
        fields_set = self.__pydantic_fields_set__
        for name, info in type(self).model_fields.items():
            key = info.alias or name
            if key not in data:
                continue
            value = getattr(self, name)
            if value is None and info.default is None:
                del data[key]
                continue
            if name in fields_set:
                continue
            if info.default_factory is not None:
                # Our factories take no arguments (list, dict…); FieldInfo.get_default
                # would check that with inspect.signature on every dump.
                default = cast("Callable[[], Any]", info.default_factory)()
            elif info.default is PydanticUndefined:
                continue
            else:
                default = info.default
            if value == default:
                del data[key]
        return data

    def to_data(self) -> dict[str, Any]:
        """The plain data written to YAML: keys read, set or changed from their default."""
        return self.model_dump(mode="json", by_alias=True)


class StrEnum(str, Enum):
    """An enumeration whose values are the words written in the YAML file."""

    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def words(cls) -> list[str]:
        """Every allowed word, in declaration order."""
        return [m.value for m in cls]


class Status(StrEnum):
    """Where a spec is in its life."""

    DRAFT = "draft"
    IN_REVIEW = "in-review"
    APPROVED = "approved"
    RETIRED = "retired"


class BehaviorKind(StrEnum):
    """What sort of rule a behavior is."""

    MUST = "must"
    MUST_NOT = "must-not"
    REFUSE = "refuse"
    CLARIFY = "clarify"
    TONE = "tone"
    STYLE = "style"


class Severity(StrEnum):
    """How much it matters when a behavior is broken."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Authority(StrEnum):
    """Who may override a behavior (in the sense of a model spec's chain of command)."""

    PLATFORM = "platform"
    DEVELOPER = "developer"
    USER = "user"
    GUIDELINE = "guideline"


class Category(StrEnum):
    """What sort of scenario a case is."""

    EXPECTED = "expected"
    ADVERSARIAL = "adversarial"
    BOUNDARY = "boundary"
    EDGE = "edge"
    LOOK_ALIKE = "look-alike"
    REGRESSION = "regression"


class Outcome(StrEnum):
    """What the AI is expected to do in a case."""

    COMPLY = "comply"
    REFUSE = "refuse"
    CLARIFY = "clarify"
    PARTIAL = "partial"


class Role(StrEnum):
    """Who speaks a message of a conversation."""

    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


class Verdict(StrEnum):
    """A human verdict on a response."""

    ACCEPT = "accept"
    REJECT = "reject"


class Better(StrEnum):
    """Which of two responses a reviewer preferred."""

    A = "a"
    B = "b"
    TIE = "tie"

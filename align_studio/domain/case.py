"""Cases: the test scenarios of a spec, with the judged responses and preferences under them."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from align_studio.domain.base import Better, Category, DomainObject, Outcome, Role, Verdict
from align_studio.domain.check import Check


class Message(DomainObject):
    """One turn of a conversation."""

    role: Role
    content: str = ""


class Review(DomainObject):
    """Another reviewer's verdict on the same judged response (for agreement among people)."""

    reviewer: str
    verdict: Verdict
    reason: str | None = None
    time: datetime | None = None


class JudgedResponse(DomainObject):
    """A target's answer to a case, with the human verdict on it.

    ``stale`` is set when the case or a behavior it links changed after the verdict, until
    a reviewer confirms the verdict again. ``reviews`` holds further reviewers' verdicts
    on the same text, so agreement among people can be measured.
    """

    id: str
    target: str
    text: str = ""
    verdict: Verdict | None = None
    reason: str | None = None
    reviewer: str | None = None
    time: datetime | None = None
    run: str | None = None
    stale: bool | None = None
    carried_from: str | None = None
    reviews: list[Review] = Field(default_factory=list)


class Preference(DomainObject):
    """A reviewer's choice between two responses to the same case."""

    a: str
    b: str
    better: Better
    reason: str | None = None
    reviewer: str | None = None
    time: datetime | None = None


class Case(DomainObject):
    """One test scenario: a conversation, the behaviors it exercises, the expected outcome."""

    id: str
    title: str | None = None
    category: Category = Category.EXPECTED
    messages: list[Message] = Field(default_factory=list)
    behaviors: list[str] = Field(default_factory=list)
    expected: Outcome | None = None
    notes: str | None = None
    checks: list[Check] = Field(default_factory=list)
    responses: list[JudgedResponse] = Field(default_factory=list)
    preferences: list[Preference] = Field(default_factory=list)

    def response(self, response_id: str) -> JudgedResponse | None:
        """The judged response with this id, if any."""
        for r in self.responses:
            if r.id == response_id:
                return r
        return None

    def last_user_message(self) -> str:
        """The text of the last user turn (what a table shows as the case's prompt)."""
        for m in reversed(self.messages):
            if m.role == Role.USER:
                return m.content
        return ""

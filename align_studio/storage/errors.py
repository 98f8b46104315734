"""Errors of the storage layer, each saying what went wrong in words a PM understands."""

from __future__ import annotations

from align_studio.domain import FORMAT_VERSION, Problem


class SpecLoadError(Exception):
    """A spec could not be loaded; ``problems`` lists every problem with file, line, column."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def single(cls, file: str, message: str, line: int = 1, column: int = 1) -> SpecLoadError:
        """An error with one problem at one place."""
        return cls(file, [Problem((), message, "error", line, column, file)])


class NewerFormatError(SpecLoadError):
    """The spec was written by a newer Align Studio; it is never overwritten."""

    def __init__(self, file: str, version: int, line: int = 1, column: int = 1) -> None:
        self.version = version
        message = (f"this spec uses format version {version}, but this Align Studio reads "
                   f"up to version {FORMAT_VERSION}; update Align Studio to open it "
                   "(the file was not changed)")
        super().__init__(file, [Problem(("format_version",), message, "error", line, column,
                                        file)])


class SpecChangedOnDisk(Exception):
    """The file changed on disk since it was read; saving would overwrite someone's work."""

    def __init__(self, file: str) -> None:
        self.file = file
        super().__init__(f"{file} was changed by someone else since it was opened")


class SpecReadOnly(Exception):
    """The spec is open read-only (for example written by a newer app)."""

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        super().__init__(f"{file} is read-only: {reason}")


class SpecLocked(TimeoutError):
    """Another program kept the spec's save lock too long; nothing was written.

    A :class:`TimeoutError` (so an :class:`OSError`): callers that report failed disk
    writes report this one too.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        super().__init__(f"{file} is being saved by another program; nothing was written "
                         "— try again in a moment")


class SaveVerificationError(Exception):
    """A save was stopped before anything was written: the new text would not read back as
    the spec's data, or an edit could not be placed without rewriting text it did not
    change. The file on disk is untouched.

    ``place`` names the value (``cases[3].title``); ``line`` and ``column`` (1-based) point
    at it in the file as it is on disk.
    """

    def __init__(self, file: str | None, place: str, line: int, column: int,
                 detail: str) -> None:
        self.file = file
        self.place = place
        self.line = line
        self.column = column
        self.detail = detail
        where = f"{file}:{line}:{column}" if file else f"line {line}, column {column}"
        super().__init__(f"{where}: the save was stopped and nothing was written — {place} "
                         f"{detail}. This is a bug in Align Studio; please report it with "
                         "the file.")

"""A small, fast server-sent-events decoder for OpenAI-style streams.

It yields the ``data`` of each event as text and counts what it had to skip; JSON decoding
is left to the caller so that one malformed block never stops the stream. Comments
(``: keep-alive``) and empty lines yield nothing, so a caller can tell real data from
keep-alives. ``max_pending`` bounds what one unfinished line or event may hold: a server
that never ends a line cannot make it grow without limit (:class:`SSEOverflow`).
"""

from __future__ import annotations


class SSEOverflow(ValueError):
    """One line or event of the stream is longer than the decoder may hold."""


class SSEDecoder:
    """Feed bytes, get complete events as ``(event_type, data)``."""

    __slots__ = ("_buf", "_data", "_event", "_pending", "max_pending", "skipped")

    def __init__(self, max_pending: int = 64 * 1024 * 1024) -> None:
        self._buf = b""
        self._data: list[bytes] = []
        self._event = b""
        self._pending = 0  # bytes of data lines in the event being read
        self.max_pending = max_pending
        self.skipped = 0  # lines that are not SSE fields

    def feed(self, chunk: bytes) -> list[tuple[str, str]]:
        """The events completed by this chunk."""
        buf = self._buf + chunk if self._buf else chunk
        if b"\r" in buf:
            buf = buf.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = buf.split(b"\n")
        self._buf = lines.pop()  # the incomplete tail
        out: list[tuple[str, str]] = []
        for line in lines:
            if not line:
                if self._data:
                    out.append((self._event.decode("utf-8", "replace"),
                                b"\n".join(self._data).decode("utf-8", "replace")))
                self._data = []
                self._event = b""
                self._pending = 0
            elif line.startswith(b"data:"):
                value = line[5:]
                self._data.append(value[1:] if value.startswith(b" ") else value)
                self._pending += len(value)
            elif line.startswith(b":"):
                pass  # a comment (keep-alive)
            elif line.startswith(b"event:"):
                self._event = line[6:].strip()
            elif line.startswith((b"id:", b"retry:")):
                pass
            else:
                self.skipped += 1
        if self._pending + len(self._buf) > self.max_pending:
            raise SSEOverflow(f"one event of the stream exceeded {self.max_pending:,} bytes")
        return out

    def close(self) -> list[tuple[str, str]]:
        """Whatever event the stream ended in the middle of."""
        out = self.feed(b"\n\n") if (self._buf or self._data) else []
        return out

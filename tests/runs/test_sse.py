"""The SSE decoder: the same events however the bytes are split."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from align_studio.providers.sse import SSEDecoder

STREAM = (b'data: {"a": 1}\n\n'
          b": keep-alive\r\n\r\n"
          b'event: error\ndata: {"error": {"message": "x"}}\n\n'
          b"data: line one\ndata: line two\n\n"
          b"garbage\n\n"
          b"data:[DONE]\n\n")
EXPECTED = [("", '{"a": 1}'), ("error", '{"error": {"message": "x"}}'),
            ("", "line one\nline two"), ("", "[DONE]")]


def decode(parts: list[bytes]) -> tuple[list[tuple[str, str]], int]:
    d = SSEDecoder()
    out = []
    for p in parts:
        out.extend(d.feed(p))
    out.extend(d.close())
    return out, d.skipped


def test_whole_stream() -> None:
    assert decode([STREAM]) == (EXPECTED, 1)


@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=12))
def test_any_split_gives_the_same_events(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    parts = [STREAM[a:b] for a, b in zip([0, *points], [*points, len(STREAM)], strict=True)]
    events, skipped = decode(parts)
    assert events == EXPECTED and skipped == 1


def test_an_unterminated_last_event_is_delivered_on_close() -> None:
    assert decode([b"data: tail"]) == ([("", "tail")], 0)

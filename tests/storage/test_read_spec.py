"""``read_spec``: a spec read only to be run (``align-studio run --batch``).

It must give the very spec and the very errors of ``SpecFile.load`` (file, line, column),
touch nothing on disk, and cost far less memory, since it keeps nothing for
saving and drops the span tree before the domain objects are built (issue 20).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from align_studio.storage.errors import NewerFormatError, SpecLoadError
from align_studio.storage.specfile import SpecFile, read_spec
from bench.specgen import generate_spec_text

BAD = """\
format_version: 1
id: refunds
title: Refunds
cases:
  - id: one
    expected: sometimes
    messages:
      - role: user
        content: hi
  - id: two
    messages: not a list
"""


def _errors(load: Callable[[Path], Any], path: Path) -> list[tuple[str, int | None, int | None]]:
    with pytest.raises(SpecLoadError) as info:
        load(path)
    return [(p.message, p.line, p.column) for p in info.value.problems]


def test_same_spec_as_a_full_load(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(generate_spec_text(50), encoding="utf-8")
    spec = read_spec(path)
    assert spec.to_data() == SpecFile.load(path).spec.to_data()
    assert len(spec.cases) == 50 and spec.cases[7].id == "case-00007"


def test_same_errors_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    got = _errors(read_spec, path)
    assert got == _errors(SpecFile.load, path)
    assert {(line, col) for _, line, col in got} >= {(6, 15), (11, 15)}
    path.write_text("id: x\ncases: [\n", encoding="utf-8")
    assert _errors(read_spec, path) == _errors(SpecFile.load, path)
    path.write_text("- a list\n", encoding="utf-8")
    assert _errors(read_spec, path) == _errors(SpecFile.load, path)


def test_newer_format_is_refused_where_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    path.write_text("id: x\ntitle: X\nformat_version: 99\n", encoding="utf-8")
    with pytest.raises(NewerFormatError) as info:
        read_spec(path)
    assert (info.value.problems[0].line, info.value.problems[0].column) == (3, 17)


def test_nothing_on_disk_is_touched(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(generate_spec_text(3), encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    read_spec(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def _peak(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        kept = fn()
        del kept
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_peak_memory_well_under_a_full_load(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(generate_spec_text(1000), encoding="utf-8")
    full = _peak(lambda: SpecFile.load(path))
    read = _peak(lambda: read_spec(path))
    # Measured (tracemalloc peaks): 0.62 here (1,000 cases with judged answers, whose
    # domain objects are a large share) and 0.55 on bench_batch's 50,000 one-message cases.
    assert read < 0.7 * full, (read, full)

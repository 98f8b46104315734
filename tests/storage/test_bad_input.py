"""The corpus of broken and hostile files: each gets a clear, located error; nothing changes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from align_studio.cli import main
from align_studio.storage import SpecFile, SpecLoadError

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"
# Files that cannot carry an "# expect:" first line.
NO_COMMENT = {
    "binary.yaml": (3, 1, "binary file"),
    "empty.yaml": (1, 1, "empty"),
    "whitespace-only.yaml": (1, 1, "empty"),
    "utf16.yaml": (1, 1, "UTF-16"),
}
LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): "
                  r"(?P<level>error|warning): (?P<msg>.+)$")


def _expectation(path: Path) -> tuple[int, int, str]:
    if path.name in NO_COMMENT:
        return NO_COMMENT[path.name]
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    m = re.match(r"# expect: (\d+):(\d+) (.+)", first)
    assert m, f"{path.name} has no '# expect:' line"
    return int(m.group(1)), int(m.group(2)), m.group(3).strip()


CORPUS = sorted(BAD.glob("*.yaml"))


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_each_bad_file_gets_a_located_error(path: Path, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    line, col, phrase = _expectation(path)
    code = main(["validate", str(path)])
    out = capsys.readouterr().out
    assert code == 1, out
    first = out.splitlines()[0]
    m = LINE.match(first)
    assert m, first
    assert m.group("file") == str(path)
    assert (int(m.group("line")), int(m.group("col"))) == (line, col), first
    assert phrase.lower() in m.group("msg").lower(), first
    assert "Traceback" not in out
    # loading through the API says the same, and saving is impossible or a no-op
    try:
        sf = SpecFile.load(path)
    except SpecLoadError as exc:
        assert exc.problems and exc.problems[0].line == line
    else:
        assert any(p.line == line for p in sf.problems)
        assert sf.save() is False
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".~align-")]


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.yaml"
    with big.open("wb") as fh:
        fh.write(b"format_version: 1\nid: huge\ntitle: Huge\nsummary: |\n")
        line = b"  " + b"x" * 1000 + b"\n"
        for _ in range(53 * 1024):
            fh.write(line)
    assert big.stat().st_size > 50 * 1024 * 1024
    with pytest.raises(SpecLoadError) as err:
        SpecFile.load(big)
    assert "at most" in err.value.problems[0].message
    assert "MB" in err.value.problems[0].message


def test_missing_file_and_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SpecLoadError, match="does not exist"):
        SpecFile.load(tmp_path / "nope.yaml")
    with pytest.raises(SpecLoadError, match="folder"):
        SpecFile.load(tmp_path)
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_newer_format_is_never_overwritten(tmp_path: Path) -> None:
    from align_studio.storage import NewerFormatError

    p = tmp_path / "future.yaml"
    p.write_text((BAD / "newer-format.yaml").read_text())
    with pytest.raises(NewerFormatError) as err:
        SpecFile.load(p)
    assert err.value.version == 99
    assert "update Align Studio" in str(err.value)


def test_a_number_too_long_for_python_gets_a_located_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """int() refuses more than 4,300 digits; the load used to end in a ValueError
    traceback instead of an error naming the line and column."""
    p = tmp_path / "long-number.yaml"
    p.write_text("format_version: 1\nid: n\ntitle: N\nx-big: " + "7" * 5000 + "\n")
    before = p.read_bytes()
    with pytest.raises(SpecLoadError) as err:
        SpecFile.load(p)
    problem = err.value.problems[0]
    assert (problem.line, problem.column) == (4, 8)
    assert "longer than 4,300 digits" in problem.message and "quotes" in problem.message
    assert main(["validate", str(p)]) == 1
    assert f"{p}:4:8: error: a number longer than" in capsys.readouterr().out
    assert p.read_bytes() == before


def test_a_title_of_many_digits_is_saved_as_text(tmp_path: Path) -> None:
    """A text of 5,000 digits would read as a number: it is written in quotes (the save
    used to fail with a ValueError while choosing how to write it)."""
    p = tmp_path / "digits.yaml"
    p.write_text("format_version: 1\nid: d\ntitle: Short  # kept\n")
    sf = SpecFile.load(p)
    sf.spec.title = "9" * 5000
    sf.save()
    assert p.read_text() == f"format_version: 1\nid: d\ntitle: '{'9' * 5000}'  # kept\n"
    assert SpecFile.load(p).spec.title == "9" * 5000

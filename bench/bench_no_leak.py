"""Bar: an API key reaches no file and no line of output, whatever a server quotes back.

A loopback server that quotes the request (its URL and every header, ``Authorization``
included) in its error bodies — a 401, a 500 text page as a proxy sends it, and an
``event: error`` inside a 200 stream — is asked by three provider profiles whose keys have
three shapes: ``sk-…``, ``sk-proj-…`` and a random token without a prefix. The keys are new
random values each time, kept in the real keychain (a private gnome-keyring, as the tests
use) when one can be started, else in environment variables the profiles name.

Then, as a user would:

- the real CLI (``python -m align_studio``): ``providers add/set-key/list/--test``, and
  ``run`` plain, ``--json`` and ``--junit``; ``providers add`` and ``run --base-url`` with the
  key typed into the URL (``user:KEY@`` and ``?api_key=KEY``), which must be refused;
- the app's run path: a :class:`~align_studio.runs.process.RunWorker` child
  process, its events and log records forwarded to this process's log file (at DEBUG),
  and a judged response written into the spec.

Every file under the workspace and the app's folders (settings, data, logs, cache; the run
store, the JUnit XML, the spec) is read as bytes (UTF-8 and UTF-16), and every line of
every command's stdout and stderr is read. The bar: each key, or any 12-character piece of
its middle, is found in 0 files and 0 lines, while the server did receive every key and
did quote it back. Run from the repository root::

    .venv/bin/python -m bench.bench_no_leak [--env-keys]
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.loopback.server import LoopbackServer

SHAPES = ("sk", "sk-proj", "raw")
CASES = {"plain": "Say hello.", "echo401": "x [[fault:echo401]]",
         "echo500": "x [[fault:echo500]]", "echoerror": "x [[fault:echoerror]]",
         "surrogate": "x [[fault:surrogate]]"}


def new_keys() -> dict[str, str]:
    """Fresh random keys of the three shapes."""
    return {"sk": "sk-" + secrets.token_hex(24), "sk-proj": "sk-proj-" + secrets.token_urlsafe(36),
            "raw": secrets.token_hex(20)}


def pieces(key: str) -> list[str]:
    """The key and a 12-character piece of its middle (a key cut short still leaks)."""
    mid = len(key) // 2
    return [key, key[mid - 6:mid + 6]]


@contextlib.contextmanager
def keychain() -> Iterator[Any]:
    """The tests' private gnome-keyring if it can run here, else None."""
    try:
        from tests.keychain import _skip_reason, secret_service
    except ImportError:
        yield None
        return
    if _skip_reason() is not None:
        yield None
        return
    # The session fixture's own generator: the same set-up and tear-down the tests get.
    start = secret_service.__wrapped__  # type: ignore[attr-defined]
    with contextlib.contextmanager(start)() as service:
        yield service


def spec_text(profiles: dict[str, str]) -> str:
    lines = ["format_version: 1", "id: leak-bar", "title: Leak bar", "targets:"]
    for shape, profile in profiles.items():
        lines += [f"  - id: t-{shape}", f"    provider: {profile}", "    model: m"]
    lines.append("cases:")
    for case, content in CASES.items():
        lines += [f"  - id: {case}", "    messages:", "      - role: user",
                  f"        content: {json.dumps(content)}"]
    return "\n".join(lines) + "\n"


class Bench:
    """Runs everything, keeps every output line, then scans."""

    def __init__(self, root: Path, keys: dict[str, str], chain: Any) -> None:
        self.root = root
        self.keys = keys
        self.chain = chain
        self.home = root / "home"
        self.workspace = root / "workspace"
        self.workspace.mkdir(parents=True)
        self.env = {"PYTHONPATH": str(ROOT), "ALIGN_STUDIO_HOME": str(self.home),
                    "XDG_CONFIG_HOME": str(self.home / "xdg-config"),
                    "XDG_DATA_HOME": str(self.home / "xdg-data"),
                    "XDG_CACHE_HOME": str(self.home / "xdg-cache"),
                    "XDG_STATE_HOME": str(self.home / "xdg-state"),
                    "ALIGN_STUDIO_LOG_LEVEL": "DEBUG", "NO_COLOR": "1"}
        if chain is not None:
            self.env.update(chain.env())
        else:
            self.env.update({f"LEAK_KEY_{s.upper().replace('-', '_')}": k
                             for s, k in keys.items()})
        os.environ.update(self.env)
        self.outputs: list[tuple[str, str]] = []  # (where, text)
        self.calls = 0
        self.refused = 0
        self.problems: list[str] = []  # what went otherwise than the bar expects

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        r = subprocess.run([sys.executable, "-m", "align_studio", *args], input=stdin,
                           capture_output=True, text=True, env={**os.environ, **self.env},
                           cwd=ROOT, timeout=300, check=False)
        self.calls += 1
        name = " ".join(args[:2])
        self.outputs += [(f"stdout of {name}", r.stdout), (f"stderr of {name}", r.stderr)]
        return r

    def setup_profiles(self, url: str) -> dict[str, str]:
        profiles = {}
        for shape, key in self.keys.items():
            name = f"Leak-{shape}"
            extra = [] if self.chain is not None else \
                ["--api-key-env", f"LEAK_KEY_{shape.upper().replace('-', '_')}"]
            r = self.cli("providers", "add", name, "--preset", "custom", "--base-url", url,
                         *extra)
            assert r.returncode == 0, r.stderr
            if self.chain is not None:
                r = self.cli("providers", "set-key", name, stdin=key + "\n")
                assert r.returncode == 0, r.stderr
            profiles[shape] = name
        self.cli("providers", "list")
        self.cli("providers", "--test")
        return profiles

    def keys_in_urls(self, url: str, spec: Path) -> int:
        """Keys typed into base URLs: each must be refused."""
        host = url.split("://", 1)[1]
        tries = 0
        for key in self.keys.values():
            for bad in (f"http://me:{key}@{host}", f"{url}?api_key={key}"):
                tries += 2
                r = self.cli("providers", "add", "Typed", "--preset", "custom",
                             "--base-url", bad)
                self.refused += r.returncode != 0 and "keychain" in r.stdout + r.stderr
                r = self.cli("run", str(spec), "--base-url", bad, "--workspace",
                             str(self.workspace))
                self.refused += r.returncode == 3 and "keychain" in r.stderr
        return tries

    def cli_runs(self, spec: Path) -> None:
        junit = self.workspace / "report" / "junit.xml"
        for extra in ([], ["--json"], ["--junit", str(junit)]):
            r = self.cli("run", str(spec), "--workspace", str(self.workspace), "--refresh",
                         *extra)
            if r.returncode != 1:  # the echo cases fail, the others are answered
                self.problems.append(f"run {extra}: exit {r.returncode}: {r.stderr[-300:]}")
        text = junit.read_text(encoding="utf-8") if junit.exists() else ""
        if "Bearer sk-…" not in text or "Bearer …" not in text:
            self.problems.append("the JUnit report does not show the masked echoes")

    def app_run(self, spec_path: Path) -> None:
        from align_studio.appdirs import setup_logging
        from align_studio.editing.judgments import record_judgment
        from align_studio.providers.connection import resolve_endpoint
        from align_studio.runs.process import RunRequest, RunWorker
        from align_studio.runs.runner import build_jobs
        from align_studio.storage import SpecFile
        from align_studio.storage.runstore import new_run_id

        setup_logging("DEBUG")
        logging.getLogger().setLevel(logging.DEBUG)
        sf = SpecFile.load(spec_path)
        spec = sf.spec
        eps = {t.id: resolve_endpoint(t.provider, model=t.model) for t in spec.targets}
        jobs = build_jobs(spec, eps)
        worker = RunWorker()
        try:
            handle = worker.submit(RunRequest(
                new_run_id(), jobs, eps, workspace=self.workspace, spec_id=spec.id,
                spec_version=spec.version, refresh=True, log_level=logging.DEBUG))
            summary = handle.wait(300)
            events = handle.poll_events()
        finally:
            worker.close()
        if summary is None:
            self.problems.append("the app's run did not end")
            return
        self.outputs.append(("app run: summary and events",
                             repr(summary) + "\n" + "\n".join(map(repr, events))))
        log = logging.getLogger("align_studio.bench")
        for r in summary.results:
            log.debug("result %r", r)
            self.outputs.append(("app run: a result", f"{r.error}\n{r.note}\n{r.text}"))
        lone = next(r for r in summary.results if r.case_id == "surrogate")
        if not (lone.ok and "\ufffd" in lone.text):
            self.problems.append(f"the surrogate answer was not repaired: {lone.error}")
        try:
            record_judgment(sf, "surrogate", lone.target_id, lone.text, "accept",
                            reviewer="bench", run=summary.run_id)
        except Exception as exc:  # noqa: BLE001 - counted against the bar
            self.problems.append(f"the judged response could not be saved: {exc}"[:300])
        for handler in logging.getLogger("align_studio").handlers:
            handler.flush()

    def scan(self) -> dict[str, Any]:
        wanted = {shape: pieces(k) for shape, k in self.keys.items()}
        files = hits_files = lines = hits_lines = 0
        names: list[str] = []
        log_lines = 0
        leaks: list[str] = []
        for folder in (self.workspace, self.home):
            for path in sorted(folder.rglob("*")):
                if not path.is_file():
                    continue
                blobs = [(str(path), path.read_bytes())]
                if zipfile.is_zipfile(path):
                    with zipfile.ZipFile(path) as zf:
                        blobs += [(f"{path}!{n}", zf.read(n)) for n in zf.namelist()]
                names.append(path.name)
                if path.suffix == ".log":
                    log_lines += path.read_bytes().count(b"\n")
                for where, data in blobs:
                    files += 1
                    found = [s for s, ps in wanted.items() for p in ps for enc in
                             ("utf-8", "utf-16-le") if p.encode(enc) in data]
                    if found:
                        hits_files += 1
                        leaks.append(f"{where}: {sorted(set(found))}")
        for where, text in self.outputs:
            for line in text.splitlines():
                lines += 1
                found = [s for s, ps in wanted.items() for p in ps if p in line]
                if found:
                    hits_lines += 1
                    leaks.append(f"{where}: {line[:120]!r}")
        return {"files": files, "files_with_key": hits_files, "lines": lines,
                "lines_with_key": hits_lines, "leaks": leaks, "names": names,
                "log_lines": log_lines}


def main() -> int:
    keys = new_keys()
    t0 = time.perf_counter()
    # --env-keys: keys in environment variables (--api-key-env) even where a keychain runs
    use_keychain = "--env-keys" not in sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="bench-no-leak-") as tmp, \
            (keychain() if use_keychain else contextlib.nullcontext()) as chain, \
            LoopbackServer(retry_after=0.05) as server:
        bench = Bench(Path(tmp), keys, chain)
        profiles = bench.setup_profiles(server.url)
        spec = bench.workspace / "leak.yaml"
        spec.write_text(spec_text(profiles), encoding="utf-8")
        typed = bench.keys_in_urls(server.url, spec)
        bench.cli_runs(spec)
        bench.app_run(spec)
        seen = [r["headers"].get("authorization", "") for r in server.requests()]
        per_key = {s: sum(h == f"Bearer {k}" for h in seen) for s, k in keys.items()}
        echoed = sum(1 for r in server.requests()
                     if "[[fault:echo" in json.dumps(r["body"]))
        result = bench.scan()
    took = time.perf_counter() - t0
    print(f"keychain: {'gnome-keyring (real Secret Service)' if chain else 'env variables'}")
    print("keys: " + ", ".join(f"{s} ({len(k)} chars)" for s, k in keys.items()))
    print("requests carrying each key: " + ", ".join(f"{s} {n}" for s, n in per_key.items()))
    print(f"requests answered with an error quoting URL and headers: {echoed}")
    print(f"base URLs with a typed key refused: {bench.refused} of {typed}")
    print(f"CLI calls: {bench.calls}; output lines scanned: {result['lines']}; "
          f"lines with a key: {result['lines_with_key']}")
    print(f"files scanned: {result['files']} ({', '.join(result['names'])}); "
          f"files with a key: {result['files_with_key']}")
    print(f"log lines written (CLI and the run process, DEBUG): {result['log_lines']}")
    print(f"wall time: {took:.1f} s")
    for leak in result["leaks"][:20]:
        print(f"  LEAK {leak}")
    for problem in bench.problems:
        print(f"  PROBLEM {problem}")
    ok = (result["files_with_key"] == 0 and result["lines_with_key"] == 0 and not bench.problems
          and all(n > 0 for n in per_key.values()) and echoed >= 9
          and bench.refused == typed and result["files"] >= 5)
    print(f"bar (0 files, 0 lines, every key sent and quoted back): "
          f"{'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

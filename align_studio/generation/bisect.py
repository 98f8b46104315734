"""Regression bisection across saved versions of a spec.

Given a case that passes at version *good* and fails at version *bad* (a later one),
:func:`bisect_versions` binary-searches the saved versions between them for the first one
where it fails, running the case *as that version defines it* (its conversation, checks and
the version's system prompt) through a ``probe``. With ``n`` versions from *good* to *bad*
(both included) it runs the case at most ``⌈log2(n − 1)⌉`` times; ``verify=True`` first
runs it at both ends (two more runs) to confirm the claim. The result names the last
passing and the first failing version and the semantic diff between them — what changed
in the spec that made the case fail.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from align_studio.domain import Spec
from align_studio.generation.ab import case_passes, job_for, make_arm
from align_studio.generation.asking import run_jobs
from align_studio.providers.endpoint import Endpoint
from align_studio.storage.runstore import RunStore
from align_studio.versions.history import Version, history, read_version, resolve_rev
from align_studio.versions.render import format_diff
from align_studio.versions.repo import WorkspaceRepo
from align_studio.versions.semantic_diff import SpecDiff, diff_versions

#: Runs the case at one version: True passed, False failed, None could not tell (why in
#: the string).
Probe = Callable[[Spec], tuple[bool | None, str]]


class BisectError(ValueError):
    """Bisection cannot go on; the message says why."""


class WrongClaim(BisectError):
    """With ``verify``: the case fails at the good version or passes at the bad one."""


@dataclass
class BisectResult:
    """The first failing version, the last passing one, the diff and the runs it took."""

    case_id: str
    first_bad: Version
    last_good: Version
    diff: SpecDiff
    runs: int
    versions: int  # versions from good to bad, both included
    tried: list[tuple[str, bool]]  # (commit, passed) in the order they were run

    def describe(self) -> str:
        """A readable report with the diff."""
        return (f"case '{self.case_id}' first fails at version {self.first_bad.spec_version} "
                f"({self.first_bad.short}, {self.first_bad.title!r}); it passed at version "
                f"{self.last_good.spec_version} ({self.last_good.short}). {self.runs} run(s) "
                f"over {self.versions} versions.\n\n{format_diff(self.diff)}")


def _range(repo: WorkspaceRepo, spec_path: str | os.PathLike[str], good: str, bad: str
           ) -> list[Version]:
    versions = history(repo, spec_path)  # newest first
    g = resolve_rev(repo, spec_path, good, versions)
    b = resolve_rev(repo, spec_path, bad, versions)
    index = {v.commit: i for i, v in enumerate(versions)}
    if g not in index or b not in index:
        raise BisectError("both ends must be saved versions of this spec (not the working "
                          "file)")
    if index[g] <= index[b]:
        raise BisectError("the passing version must be older than the failing one")
    return list(reversed(versions[index[b]:index[g] + 1]))  # oldest (good) → newest (bad)


def bisect_versions(repo: WorkspaceRepo, spec_path: str | os.PathLike[str], case_id: str,
                    good: str, bad: str, probe: Probe, *, verify: bool = False
                    ) -> BisectResult:
    """Find the first version where ``case_id`` fails (see the module docstring)."""
    chain = _range(repo, spec_path, good, bad)
    tried: list[tuple[str, bool]] = []

    def run(i: int) -> bool:
        v = chain[i]
        spec = read_version(repo, spec_path, v.commit).spec
        if spec.case(case_id) is None:
            raise BisectError(f"version {v.spec_version} ({v.short}) has no case "
                              f"'{case_id}'")
        passed, why = probe(spec)
        if passed is None:
            raise BisectError(f"the case could not be run at version {v.spec_version} "
                              f"({v.short}): {why}")
        tried.append((v.commit, passed))
        return passed

    lo, hi = 0, len(chain) - 1
    if verify:
        if not run(lo):
            raise WrongClaim(f"the case fails at the 'good' version too ({chain[lo].short})")
        if run(hi):
            raise WrongClaim(f"the case passes at the 'bad' version ({chain[hi].short}): "
                              "nothing to bisect")
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if run(mid):
            lo = mid
        else:
            hi = mid
    a = read_version(repo, spec_path, chain[lo].commit)
    b = read_version(repo, spec_path, chain[hi].commit)
    return BisectResult(case_id, chain[hi], chain[lo], diff_versions(a, b), len(tried),
                        len(chain), tried)


def runner_probe(case_id: str, target_id: str | None, endpoint: Endpoint, *,
                 store: RunStore | None = None, variant: str | None = None) -> Probe:
    """A probe that sends the case, as the version defines it, to ``target_id`` (its
    definition at that version, else the first target) through the Runner; the case
    passes when every check passes."""

    def probe(spec: Spec) -> tuple[bool | None, str]:
        case = spec.case(case_id)
        assert case is not None  # bisect_versions checked it
        arm = make_arm(spec, "probe", target_id, variant)
        summary = run_jobs({arm.name: endpoint}, [job_for(arm, case, endpoint)],
                           store=store, spec=spec, purpose="bisect")
        rec = summary.results[0]
        return case_passes(case, rec), rec.error or ("cancelled" if rec.cancelled else "")

    return probe

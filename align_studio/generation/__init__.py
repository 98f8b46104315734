"""From behaviors to cases, and from a spec to better answers (issue 19). Qt-free.

The API the app's inbox and review UI build on (every call that asks a model blocks: run
it as background work; each takes a ``cancel`` event):

- :mod:`.asking` — :class:`~.asking.ModelClient` (a spec target as a helper model, through
  the Runner), :func:`~.asking.parse_json_answer`, :class:`~.asking.BadAnswer`;
- :mod:`.generate` — :func:`~.generate.generate` (cases per behavior and kind, contrast
  pairs, paraphrases) → :class:`~.generate.Generation` (candidates + problems);
- :mod:`.inbox` — :class:`~.inbox.Inbox` (``load``, ``add`` with near-duplicate removal,
  ``pending``, ``edit``, ``discard``, ``diversity``, ``save``) and
  :func:`~.inbox.accept_command` (the undoable edit adding items to the spec);
- :mod:`.similarity` — the near-duplicate measure and its threshold;
- :mod:`.revision` — :func:`~.revision.propose_revisions`,
  :func:`~.revision.accept_revision_command`, :func:`~.revision.rejected_answers`;
- :mod:`.system_prompt` — :func:`~.system_prompt.compile_prompt`,
  :func:`~.system_prompt.add_variant_command`, :func:`~.system_prompt.system_prompt_for`;
- :mod:`.stats` — McNemar, Wald and bootstrap intervals, :func:`~.stats.cases_needed`;
- :mod:`.ab` — :func:`~.ab.make_arm`, :func:`~.ab.ab_test` → :class:`~.ab.ABResult`;
- :mod:`.stability` — :func:`~.stability.stability` → :class:`~.stability.Stability`;
- :mod:`.bisect` — :func:`~.bisect.bisect_versions`, :func:`~.bisect.runner_probe`.
"""

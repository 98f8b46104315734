"""Judge calibration: a judge measured against people, and improved where they disagree.

The public API, Qt-free (the window calls it from its background tasks):

- :mod:`.labels` — :func:`collect_items` (answers with every reviewer's rating),
  :class:`Item` (``consensus``, ``disputed``).
- :mod:`.reviews` — :func:`review_command`: a further reviewer's verdict (undoable).
- :mod:`.humans` — :func:`human_agreement`: Cohen's kappa per pair of reviewers, Fleiss'
  kappa, Krippendorff's alpha, the disputed answers.
- :mod:`.judge_agreement` — :func:`measure`: judge vs people's consensus, kappa with a
  bootstrap interval per behavior and target, confusion matrix, disagreements, labels
  needed; :func:`grade_labelled` asks the judge; :func:`verdicts_from_store` reads its
  stored grades.
- :mod:`.label_queue` — :func:`label_queue`: what to label next, with reasons.
- :mod:`.refine` — splits, :func:`propose`, :func:`accept_command`, :func:`evaluate`.
- :mod:`.pairwise` — :func:`judge_pairs`: both orders, flips reported as ties.
- :mod:`.frozen` — :func:`freeze`, :func:`recheck`: the drift alarm.
- :mod:`.gate` — :func:`decide`: the CI gate of ``grade --gate``.
- :mod:`.asking` — :class:`JudgeClient` (the judge target through the Runner) and
  :func:`fingerprint`.
- :mod:`.stats` — the statistics themselves.
"""

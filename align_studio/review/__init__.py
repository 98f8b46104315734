"""Preview and review, Qt-free: blind mapping, carry-forward, staleness, run estimates, the
results matrix, live results and the streamed-delta batcher. The desktop app shows these
in ``align_studio.ui.preview``; tests use them without a display."""

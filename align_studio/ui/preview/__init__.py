"""Preview and review: side-by-side answers, judging, the results matrix, running."""

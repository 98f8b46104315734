"""Figures in plain words for the Calibration tab (Qt-free, so tests read them directly).

A PM reads "κ 0.62 (95 % interval 0.41–0.80, 40 answers)", never a bare "aligned": every
kappa comes with its interval and its number of answers, or says why it has none.
"""

from __future__ import annotations

from align_studio.grading.calibration.stats import Kappa

#: What kappa means, in one line (shown above the figures).
KAPPA_MEANING = ("κ (kappa) is how often two raters agree beyond what chance alone would "
                 "give: 1 = always, 0 = no better than chance, below 0 = worse than chance.")
#: What the interval means, in one line.
INTERVAL_MEANING = ("The 95 % interval is the range the true κ most likely lies in: the "
                    "fewer labels, the wider it is.")


#: Fewer answers than this are too few to read a strength from, whatever the interval says.
FEW = 5


def kappa_value(k: Kappa) -> str:
    """"0.62", or "undefined"."""
    return "undefined" if k.kappa is None else f"{k.kappa:.2f}"


def interval(k: Kappa) -> str:
    """"0.41–0.80", or "none" when there is no interval."""
    if k.low is None or k.high is None:
        return "none"
    return f"{k.low:.2f}–{k.high:.2f}"


def kappa_sentence(k: Kappa) -> str:
    """κ with its interval and n, or why it is missing, in one phrase."""
    n = f"{k.n} answer{'s' if k.n != 1 else ''}"
    if k.kappa is None:
        return f"κ undefined ({k.note or 'no pairs'}; {n})"
    if k.low is None or k.high is None:
        return f"κ {k.kappa:.2f}, no interval ({k.note or 'too few answers'}; {n})"
    return f"κ {k.kappa:.2f} (95 % interval {k.low:.2f}–{k.high:.2f}, {n})"


def strength(k: Kappa) -> str:
    """A word for the *lower bound* of the interval (Landis & Koch's bands), so a wide
    interval never reads as good agreement."""
    if k.kappa is None:
        return "cannot tell yet"
    if k.n < FEW:
        return "too few answers to tell"
    low = k.low
    if low is None:
        return "cannot tell yet (no interval)"
    bands = ((0.8, "almost perfect"), (0.6, "substantial"), (0.4, "moderate"),
             (0.2, "fair"))
    for bound, word in bands:
        if low >= bound:
            return f"at least {word}"
    return "at least slight" if low > 0 else "could be no better than chance"


def agree_percent(k: Kappa) -> str:
    """Raw agreement, e.g. "85 %" ("–" without pairs)."""
    return "–" if k.n == 0 else f"{100.0 * k.agree / k.n:.0f} %"


def labels_needed_sentence(needed: int | None, width: float) -> str:
    """"About N more labels would narrow the interval to ±w." in words."""
    half = width / 2
    if needed is None:
        return ("Label more answers: with fewer than two judged labels there is no "
                "interval to narrow yet.")
    if needed == 0:
        return f"The interval is already ±{half:.2f} or narrower."
    return (f"About {needed} more label{'s' if needed != 1 else ''} would narrow the "
            f"interval to ±{half:.2f}.")

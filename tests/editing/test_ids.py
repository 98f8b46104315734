"""Ids derived from titles (issue 16): a slug unique within the spec; placeholders only."""

from __future__ import annotations

from align_studio.editing.ids import id_from_text, is_placeholder, slug, unique_id


def test_slug_reads_like_the_title() -> None:
    assert slug("Return within the window") == "return-within-window"
    assert slug("Return on day 30!") == "return-day-30"
    assert slug("  Café: crème brûlée?  ") == "cafe-creme-brulee"
    assert slug("The angry customer, third message about a late refund") == \
        "angry-customer-third-message-late-refund"
    assert slug("Answer in the customer’s language.") == "answer-customers-language"
    assert slug("A") == "a"  # only filler words: they are kept
    assert slug("¿¿ !!") == "" and slug("") == ""
    assert slug("你好") == ""  # no ASCII word: the caller keeps its placeholder
    long = slug("supercalifragilisticexpialidocious extraordinarily long words here")
    assert long == "supercalifragilisticexpialidocious" and len(long) <= 40


def test_unique_within_the_spec() -> None:
    assert unique_id("refund", {"other"}) == "refund"
    assert unique_id("refund", {"refund", "refund-2"}) == "refund-3"
    taken = {"case-001", "return-within-window"}
    assert id_from_text("Return within the window", taken) == "return-within-window-2"
    # the item's own id does not count as taken (naming it again gives the same id)
    assert id_from_text("Return within the window", taken, current="return-within-window") \
        == "return-within-window"
    assert id_from_text("!!!", taken) is None


def test_only_placeholders_are_renamed() -> None:
    assert is_placeholder("case-001") and is_placeholder("behavior-4")
    assert not is_placeholder("cs-refund-in-window") and not is_placeholder("case-refund")

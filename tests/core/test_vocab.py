"""The one vocabulary file, as the question reader sees it."""

from __future__ import annotations


def test_everyday_words_are_also_known_in_the_form_questions_are_read_in():
    # the synonyms rewrite '公车' to '公务用车' before items are matched: the glossary's '公车' must
    # be found there too
    from core.vocab import vocabulary

    v = vocabulary()
    assert v.synonyms.get("公车") == "公务用车"
    assert set(v.everyday["公车"]) <= set(v.everyday["公务用车"])

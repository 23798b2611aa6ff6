"""The French analyzer: case, accents, stop words, stems, hyphens."""

from app.search.analysis import analyze


def test_case_and_accents_fold_to_the_same_terms():
    assert analyze("CRÈCHE") == analyze("crèche") == analyze("creche")
    assert analyze("Évry") == analyze("evry")
    assert analyze("Œuvre") == analyze("oeuvre")


def test_plural_and_feminine_forms_share_a_stem():
    assert analyze("crèches") == analyze("crèche")
    assert analyze("assistantes maternelles") == analyze("assistante maternelle")
    assert analyze("garderies") == analyze("garderie")


def test_stop_words_and_elisions_are_dropped():
    assert analyze("la crèche de l'enfant") == analyze("crèche enfant")
    assert analyze("le la les de des du") == []


def test_hyphenated_word_yields_parts_and_merged_form():
    terms = analyze("micro-crèche")
    assert analyze("micro")[0] in terms
    assert analyze("crèche")[0] in terms
    assert analyze("microcrèche")[0] in terms
    assert analyze("Halte-garderie") == analyze("halte-garderie")


def test_numbers_are_kept():
    assert "38565" in analyze("RNCP 38565")

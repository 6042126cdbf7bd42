"""French typesetting: what it changes, and what it must leave as people typed it."""

import pytest

from qmi.typography import NBSP, elide, typeset, typeset_html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Équipe de Aulnay", "Équipe d’Aulnay"),
        ("en tant que évaluateur", "en tant qu’évaluateur"),
        ("De Argenteuil à Issy", "D’Argenteuil à Issy"),
        ("Fin. De Orly à Paris", "Fin. D’Orly à Paris"),
        ("le projet de onze communes", "le projet de onze communes"),
        ("l'appel", "l’appel"),
        ("Date limite : 17 mars", f"Date limite{NBSP}: 17 mars"),
        ("à 23 h 59", f"à 23{NBSP}h{NBSP}59"),
        ("45 000 €", f"45{NBSP}000{NBSP}€"),
        # A capitalised particle after a first name belongs to the person's name.
        ("Anne De Oliveira", "Anne De Oliveira"),
        ("par Marc De Andrade le 3 mars", "par Marc De Andrade le 3 mars"),
    ],
)
def test_french_typesetting(text, expected):
    assert typeset(text, "fr") == expected


def test_english_is_left_alone():
    assert typeset("Équipe de Aulnay : 23 h 59", "en") == "Équipe de Aulnay : 23 h 59"


def test_elision_across_inline_tags_but_not_inside_a_name():
    html = "<p>Anne De <b>Oliveira</b>, équipe de <a href='/c/'>Aulnay</a></p>"
    assert typeset_html(html, "fr") == (
        "<p>Anne De <b>Oliveira</b>, équipe d’<a href='/c/'>Aulnay</a></p>"
    )


def test_elide_helper():
    assert elide("de", "Issy-les-Moulineaux", "fr") == "d’Issy-les-Moulineaux"
    assert elide("de", "Paris", "fr") == "de Paris"

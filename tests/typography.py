"""French typography in assertions.

Pages and mails are typeset (qmi/typography.py): non-breaking spaces before
« : ; ? ! » and in "23 h 59", typographic apostrophes. ``plain(text)`` turns
them back into ordinary spaces and straight apostrophes, so that a test can
assert ``"l'appel d'Issy : 3 h" in plain(response.content.decode())``.
"""

import html
import re

from qmi.typography import APOSTROPHE, NBSP


def plain(text):
    if isinstance(text, bytes):
        text = text.decode()
    text = text.replace("&nbsp;", " ").replace("&#8217;", "'")
    return text.replace(NBSP, " ").replace("\u202f", " ").replace(APOSTROPHE, "'")


# What a French reader must never see (checked on every browser page and every mail).
_CHECKS = (
    (re.compile(r"[^\s\u00a0\u202f] +[:;?!»]"), "ordinary space before « : ; ? ! »"),
    (re.compile(r"« "), "ordinary space after «"),
    (re.compile(r"\d h \d"), "ordinary spaces in a time such as 23 h 59"),
    (re.compile(r"\d [€%]"), "ordinary space between a number and its unit"),
    (
        re.compile(r"(?<![\w’'\-])(?:de|que) (?!onze|oui)[AEIOUÉÈÊÎÔaeiouéèêîô]"),
        "no elision",
    ),
    # A capitalised "De" after a word is a name's particle ("Anne De Oliveira"), kept.
    (
        re.compile(r"(?m)(?:^|[.!?»]\s)\s*(?:De|Que) (?!onze|oui)[AEIOUÉÈÊÎÔaeiouéèêîô]"),
        "no elision",
    ),
    (re.compile(r"\w\(s\)|\w\(e\)s?\b"), "a plural or gender written with (s) or (e)"),
)


def typography_faults(text):
    """The French typography faults of a text, with a little context each."""
    faults = []
    for pattern, what in _CHECKS:
        for match in pattern.finditer(text):
            start = max(0, match.start() - 30)
            faults.append(f"{what}: …{text[start : match.end() + 30]}…")
    return faults


def html_to_text(markup):
    """The text of an HTML mail or page, roughly as a reader sees it."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", str(markup), flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))

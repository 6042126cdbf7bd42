"""French typography, generated rather than typed.

``typeset(text)`` applies the rules of French typesetting to a plain text in
the active language (nothing changes in English): non-breaking spaces before
« : ; ? ! » and inside « », between a number and its unit ("23 h 59",
"45 000 €"), typographic apostrophes and elision ("de Argenteuil" ->
"d’Argenteuil", "que évaluateur" -> "qu’évaluateur").
``typeset_html(html)`` does the same on the text of an HTML document, never on
tags, attributes, scripts, styles or form fields (what a user typed in a
textarea comes back exactly as typed).

``elide("de", "Argenteuil")`` -> "d’Argenteuil" and the template filters of
``qmi_tags`` (``|de``, ``|que``, ``|typeset``) are for code that builds such
phrases itself; ``french_sort_key`` sorts as a French reader expects (É with E).
"""

import re
import unicodedata

from django.utils import translation

NBSP = "\u00a0"
APOSTROPHE = "’"
VOWELS = "aeiouàâäéèêëîïôöùûüœæAEIOUÀÂÄÉÈÊËÎÏÔÖÙÛÜŒÆ"
# Words before which French does not elide although they start with a vowel.
NO_ELISION = ("onze", "oui", "ouate", "ouistiti", "uhlan")
_ELIDED = {"de": "d", "que": "qu", "jusque": "jusqu", "lorsque": "lorsqu", "puisque": "puisqu"}

_ELISION = re.compile(
    r"(?<![\w’'\-])(de|De|DE|que|Que|jusque|Jusque|lorsque|Lorsque|puisque|Puisque) "
    r"(?=[" + VOWELS + r"])(?!(?:" + "|".join(NO_ELISION) + r")\b)",
)
_BEFORE_PUNCT = re.compile(r"(?<=\S)[ \t]+(?=[:;?!»])")
_AFTER_GUILLEMET = re.compile(r"«[ \t]+")
_GUILLEMET_TIGHT_OPEN = re.compile(r"«(?=[^\s\u00a0\u202f])")
_GUILLEMET_TIGHT_CLOSE = re.compile(r"(?<=[^\s\u00a0\u202f])»")
_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")
_UNIT = re.compile(r"(?<=\d) (?=(?:€|%|h|min|Mo|Ko|Go|km|m²|ha)(?!\w))")
_HOUR = re.compile(r"(?<=\d) h (?=\d)")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
# What any rule above needs: most texts of a page (labels, names) have none of it,
# and one search is cheaper than nine substitutions.
_NEEDS_WORK = re.compile(r"[':;?!«»0-9]|(?:de|que) ", re.IGNORECASE)


def is_french(language=None):
    return (language or translation.get_language() or "fr").lower().startswith("fr")


def elide(word, following, language=None):
    """ "de" + "Argenteuil" -> "d’Argenteuil"; "de" + "Paris" -> "de Paris"."""
    following = str(following)
    lower = word.lower()
    if (
        is_french(language)
        and lower in _ELIDED
        and following[:1] in VOWELS
        and not following.lower().startswith(NO_ELISION)
    ):
        stem = _ELIDED[lower]
        if word[:1].isupper():
            stem = stem.capitalize()
        return f"{stem}{APOSTROPHE}{following}"
    return f"{word} {following}"


def typeset(text, language=None):
    """French typesetting of a plain text (unchanged in any other language)."""
    if not text or not is_french(language) or not _NEEDS_WORK.search(text):
        return text
    text = _APOSTROPHE.sub(APOSTROPHE, text)
    text = _ELISION.sub(_elided_match, text)
    text = _BEFORE_PUNCT.sub(NBSP, text)
    text = _AFTER_GUILLEMET.sub("«" + NBSP, text)
    text = _GUILLEMET_TIGHT_OPEN.sub("«" + NBSP, text)
    text = _GUILLEMET_TIGHT_CLOSE.sub(NBSP + "»", text)
    text = _HOUR.sub(f"{NBSP}h{NBSP}", text)
    text = _THOUSANDS.sub(NBSP, text)
    text = _UNIT.sub(NBSP, text)
    return text


def _elided_match(match):
    """A capitalised "De" after a word is a name's particle ("Anne De Oliveira"), kept
    as its owner typed it; at the start of a sentence it is elided like "de"."""
    word = match.group(1)
    before = match.string[: match.start()].rstrip()
    if word[:1].isupper() and before[-1:].isalnum():
        return match.group(0)
    return _elided(word)


def _elided(word):
    stem = _ELIDED[word.lower()]
    if word[:1].isupper():
        stem = stem.capitalize()
    return stem + APOSTROPHE


# Elements whose content is not prose: left exactly as they are.
_RAW = ("script", "style", "textarea", "pre", "code", "kbd", "samp")
_TOKENS = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")


def typeset_html(html, language=None):
    """French typesetting of the text between the tags of an HTML fragment."""
    if not html or not is_french(language):
        return html
    out = []
    raw_until = None
    pending = None  # index in ``out`` of a text ending in "de " before inline tags
    typeset_parts = set()
    for part in _TOKENS.split(str(html)):
        if not part:
            continue
        if part.startswith("<"):
            match = _TAG_NAME.match(part)
            if match:
                closing, name = match.group(1), match.group(2).lower()
                if raw_until is None and not closing and name in _RAW:
                    raw_until = name
                elif raw_until == name and closing:
                    raw_until = None
                if name not in _INLINE:
                    pending = None
            out.append(part)
        elif raw_until is None and part.isspace():
            # Between two tags: nothing to typeset (the rules need a word, a digit or
            # a sign), but a following ":" may still make this space non-breaking.
            pending = len(out) if part.endswith(" ") else None
            typeset_parts.add(len(out))
            out.append(part)
        elif raw_until is None:
            text = _typeset_escaped(part)
            vowel = text[:1] in VOWELS and not text.lower().startswith(NO_ELISION)
            if pending is not None and vowel:
                out[pending] = _ELISION_AT_END.sub(_elided_match, out[pending])
            elif pending is not None and text[:1] in ":;?!»" and out[pending].endswith(" "):
                out[pending] = out[pending].rstrip(" ") + NBSP
            text = _LEADING_PUNCT.sub(NBSP, text)
            pending = len(out) if _ELISION_AT_END.search(text) or text.endswith(" ") else None
            typeset_parts.add(len(out))
            out.append(text)
        else:
            out.append(part)
    # Non-breaking spaces as entities: visible in the source, same text for the reader.
    for index in typeset_parts:
        out[index] = out[index].replace(NBSP, "&nbsp;")
    return "".join(out)


_INLINE = {"a", "abbr", "b", "em", "i", "span", "strong", "time", "mark", "small", "bdi"}
_ELISION_AT_END = re.compile(
    r"(?<![\w’'\-])(de|De|que|Que|jusque|lorsque|puisque) $",
)
_LEADING_PUNCT = re.compile(r"^[ \t]+(?=[:;?!»])")


def _typeset_escaped(text):
    # Autoescaped apostrophes and entities: typeset them as the characters they are.
    text = text.replace("&#x27;", "'").replace("&#39;", "'")
    return typeset(text, "fr")


def french_sorted(values, key=None):
    """``values`` sorted as a French reader expects (É with E); ``key`` gives each one's text."""
    return sorted(values, key=lambda item: french_sort_key(key(item) if key else item))


def french_sort_key(value):
    """Sort key for French words: accents and case ignored first (É with E)."""
    value = str(value)
    base = "".join(
        c for c in unicodedata.normalize("NFKD", value.casefold()) if not unicodedata.combining(c)
    )
    return (base, value)

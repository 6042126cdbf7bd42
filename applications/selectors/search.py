"""Full-text search in the applications as a commune team sees them.

Each targeted commune's row carries its own search document (see
``ApplicationTarget.search_text``): the application's text, its organisation,
this commune's challenges and the experiment proposed to this commune only, so a
search never matches, nor shows, what another commune was offered.

PostgreSQL: French stemming, accent- and case-insensitive through the
``french_unaccent`` text search configuration (created by migration 0009 with a
GIN index over the same expression), ranked with ``ts_rank``, the passage cut by
``ts_headline``. Other databases (SQLite in development and tests): every word of
the query must appear in the folded text (lower case, no accents), ranked by the
number of occurrences.

The passage shown is always escaped; only the highlight marks are HTML.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, FloatField, IntegerField, Value
from django.db.models.functions import Cast, Length, Replace
from django.utils.html import escape
from django.utils.safestring import mark_safe

CONFIG = "french_unaccent"
# Separators ts_headline puts around a match; no typed text contains them
# (they are removed from the documents).
START, STOP = "\x02", "\x03"
PASSAGE_CHARS = 160
MAX_TERMS = 8

# Text fields of the application, of its row for one commune.
APPLICATION_TEXT_FIELDS = [
    "reference",
    "title",
    "summary",
    "solution",
    "novelty",
    "impact",
    "impact_measurement",
    "team",
    "budget_funding",
    "budget_ask",
]
TARGET_TEXT_FIELDS = [
    "experiment_what",
    "experiment_where",
    "experiment_ask",
    "experiment_users",
]


def fold(text):
    """Lower case without accents, one output character per input character
    (ligatures such as « œ » keep one character), so positions map back."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFKD", char.lower()[:1] or char)
        base = "".join(c for c in base if not unicodedata.combining(c))
        out.append(base[:1] if base else char)
    return "".join(out)


def clean(text):
    return (text or "").replace(START, " ").replace(STOP, " ")


def document(application, target, organisation_name, challenge_titles):
    """The search document of one targeted commune's row (plain text)."""
    parts = [getattr(application, name) for name in APPLICATION_TEXT_FIELDS]
    if application.reference:
        # « QMI2-0042 » also as two words: PostgreSQL reads « -0042 » as a number.
        parts.append(application.reference.replace("-", " "))
    parts.append(organisation_name)
    parts.extend(challenge_titles)
    parts.extend(getattr(target, name) for name in TARGET_TEXT_FIELDS)
    return "\n".join(clean(part).strip() for part in parts if part and str(part).strip())


def terms(query):
    """The query's words, folded (at most MAX_TERMS, punctuation dropped)."""
    words = [t for t in re.split(r"[\W_]+", fold(query or "")) if t]
    # Elided articles (« l’été », « d’Issy ») are no words to look for.
    return ([t for t in words if len(t) > 1] or words)[:MAX_TERMS]


def uses_postgres():
    return connection.vendor == "postgresql"


def search(rows, query):
    """Rows matching every word of ``query``, annotated with ``search_rank``
    (higher is better) and, on PostgreSQL, the raw ``search_headline``."""
    words = terms(query)
    if not words:
        return rows
    if uses_postgres():
        # Each word as a prefix of its singular: the French stemmer leaves « vélos »
        # as 'velos', and 'velo:*' finds both « vélo » and « vélos ».
        raw = " & ".join(f"{_singular(word)}:*" for word in words)
        ts_query = SearchQuery(raw, config=CONFIG, search_type="raw")
        vector = SearchVector("search_text", config=CONFIG)
        return (
            rows.annotate(search_vector=vector)
            .filter(search_vector=ts_query)
            .annotate(
                # ts_rank is a real: widened here so that the value read back and
                # compared again (the application page's neighbours) is exact.
                search_rank=Cast(SearchRank(vector, ts_query), FloatField()),
                search_headline=SearchHeadline(
                    "search_text",
                    ts_query,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=30,
                    min_words=12,
                    max_fragments=1,
                ),
            )
        )
    occurrences = Value(0, output_field=IntegerField())
    for word in map(_singular, words):
        rows = rows.filter(search_folded__contains=word)
        occurrences = occurrences + (
            Length("search_folded") - Length(Replace("search_folded", Value(word), Value("")))
        ) / len(word)
    return rows.annotate(search_rank=Cast(occurrences, FloatField()))


def _singular(word):
    """The fallback's only stemming: a plural's final s or x (« vélos » finds « vélo »)."""
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def order_by_rank(rows):
    return rows.order_by(F("search_rank").desc(), "application_reference")


def passage(row, query):
    """The matching passage of a row, escaped, with the matches in <mark>."""
    headline = getattr(row, "search_headline", None)
    if headline:
        html = escape(headline).replace(START, "<mark>").replace(STOP, "</mark>")
        return mark_safe(html)  # noqa: S308 - escaped above, only our marks added
    words = [_singular(w) for w in terms(query)]
    text = getattr(row, "search_text", "") or ""
    if not words or not text:
        return ""
    folded = fold(text)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    first = pattern.search(folded)
    if first is None:
        return ""
    start = max(0, first.start() - PASSAGE_CHARS // 3)
    end = min(len(text), start + PASSAGE_CHARS)
    pieces = ["… " if start else ""]
    cursor = start
    for match in pattern.finditer(folded, start, end):
        pieces.append(escape(text[cursor : match.start()]))
        pieces.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
        cursor = match.end()
    pieces.append(escape(text[cursor:end]))
    if end < len(text):
        pieces.append(" …")
    return mark_safe("".join(pieces).replace("\n", " · "))  # noqa: S308 - every piece escaped

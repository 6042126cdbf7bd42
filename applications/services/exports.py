"""The team table as CSV (UTF-8 with a byte-order mark, for Excel) and XLSX."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from applications.selectors.staff import scored_targets
from calls.models import Criterion


def export_rows(user, participations):
    """Header and rows of the table, one row per application and commune."""
    participations = list(participations)
    calls = {p.call_id for p in participations}
    criteria = list(Criterion.objects.filter(call_id__in=calls).order_by("call", "order", "id"))
    header = [
        _("Référence"),
        _("Commune"),
        _("Organisation"),
        _("Titre"),
        _("Défis"),
        _("Éligibilité"),
        _("Motif d'éligibilité"),
        _("Évaluations soumises"),
        _("Note pondérée (sur 5)"),
        _("Rang"),
        *[
            _("%(criterion)s (coef. %(weight)d)") % {"criterion": c.name, "weight": c.weight}
            for c in criteria
        ],
        _("Décision"),
        _("Motivation"),
    ]
    rows = []
    for participation in participations:
        own = [c for c in criteria if c.call_id == participation.call_id]
        targets = (
            scored_targets(user, participation, criteria=own)
            .prefetch_related("application__challenges")
            .select_related("participation__commune")
            .order_by("rank", "application__reference")
        )
        for target in targets:
            challenges = ", ".join(
                c.title
                for c in target.application.challenges.all()
                if c.participation_id == participation.pk
            )
            by_criterion = {c.pk: getattr(target, f"criterion_{c.pk}") for c in own}
            rows.append(
                [
                    target.application.reference,
                    target.participation.commune.name,
                    target.application.organisation.name,
                    target.application.title,
                    challenges,
                    str(target.get_eligibility_display()),
                    target.eligibility_reason,
                    target.review_count,
                    _round(target.visible_score),
                    target.rank if target.visible_score is not None else None,
                    *[_round(by_criterion.get(c.pk)) for c in criteria],
                    str(target.get_decision_display()) if target.decision else "",
                    target.decision_motivation,
                ]
            )
    return header, rows


def _round(value):
    return None if value is None else round(value, 2)


# A spreadsheet reads a cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Candidate text as inert text: a leading quote stops a spreadsheet from running
    it as a formula. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def to_csv(header, rows):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([neutralise(v) for v in header])
    for row in rows:
        writer.writerow(
            [
                "" if v is None else str(v).replace(".", ",") if isinstance(v, float) else v
                for v in map(neutralise, row)
            ]
        )
    return buffer.getvalue().encode("utf-8")


def to_xlsx(header, rows, title):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in [header, *rows]:
        sheet.append([neutralise(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never "f" (formula), whatever the text
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(len(str(name)), 12), 40)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

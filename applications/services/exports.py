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


def to_csv(header, rows):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                "" if v is None else str(v).replace(".", ",") if isinstance(v, float) else v
                for v in row
            ]
        )
    return buffer.getvalue().encode("utf-8")


def to_xlsx(header, rows, title):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(len(str(name)), 12), 40)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""The team table as CSV (UTF-8 with a byte-order mark, for Excel) and XLSX.

Produced by a Celery task (``run_export``) in constant memory: rows read by
chunks, written as they come (openpyxl's write-only mode), into a private file
downloaded through a view that checks permission.
"""

import csv
import io
import tempfile
from itertools import islice

from django.conf import settings
from django.core.files import File
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from applications.models import StaffJob
from applications.selectors.staff import ranked, scored_targets, set_challenge_titles
from applications.services import jobs
from calls.models import Criterion

# Rows read from the database (and counted in the progress) at a time.
CHUNK_SIZE = 2000


def export_header(user, participations):
    participations = list(participations)
    criteria = _criteria(participations)
    return [
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
        _("Avis du jury"),
        _("Rang proposé par le jury"),
        _("Commentaire du jury"),
    ]


def _criteria(participations):
    calls = {p.call_id for p in participations}
    return list(Criterion.objects.filter(call_id__in=calls).order_by("call", "order", "id"))


def iter_export_rows(user, participations, chunk_size=CHUNK_SIZE):
    """The rows of the table, one per application and commune, read from the
    database by chunks (a server-side cursor on PostgreSQL): memory stays flat
    whatever the number of rows."""
    from auditions.selectors import opinion_label, with_jury

    participations = list(participations)
    criteria = _criteria(participations)
    for participation in participations:
        own = [c for c in criteria if c.call_id == participation.call_id]
        targets = (
            with_jury(ranked(scored_targets(user, participation, criteria=own)))
            .select_related("participation__commune")
            .order_by("rank", "application__reference")
            .iterator(chunk_size=chunk_size)
        )
        while chunk := list(islice(targets, chunk_size)):
            set_challenge_titles(participation, chunk)
            for target in chunk:
                by_criterion = {c.pk: getattr(target, f"criterion_{c.pk}") for c in own}
                yield [
                    target.application.reference,
                    target.participation.commune.name,
                    target.application.organisation.name,
                    target.application.title,
                    ", ".join(target.challenge_titles),
                    str(target.get_eligibility_display()),
                    target.eligibility_reason,
                    target.review_count,
                    _round(target.visible_score),
                    target.rank if target.visible_score is not None else None,
                    *[_round(by_criterion.get(c.pk)) for c in criteria],
                    str(target.get_decision_display()) if target.decision else "",
                    target.decision_motivation,
                    opinion_label(target.jury_opinion_value),
                    target.jury_rank,
                    target.jury_comment or "",
                ]


def export_rows(user, participations):
    """Header and rows of the table, in memory (small tables and tests)."""
    participations = list(participations)
    return export_header(user, participations), list(iter_export_rows(user, participations))


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


def _csv_cell(value):
    value = neutralise(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return value


def write_csv(header, rows, stream):
    """CSV (semicolons, UTF-8 with a byte-order mark for Excel) to a text stream."""
    stream.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
    writer = csv.writer(stream, delimiter=";")
    writer.writerow([neutralise(v) for v in header])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])


def to_csv(header, rows):
    buffer = io.StringIO()
    write_csv(header, rows, buffer)
    return buffer.getvalue().encode("utf-8")


def write_xlsx(header, rows, stream, title):
    """XLSX in openpyxl's write-only mode (rows go to disk as they come): every text
    cell typed as text, never as a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(len(str(name)), 12), 40)

    def cells(values):
        for value in values:
            value = neutralise(value)
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # never "f" (formula), whatever the text
                yield cell
            else:
                yield value

    sheet.append(list(cells(header)))
    for row in rows:
        sheet.append(list(cells(row)))
    workbook.save(stream)


def to_xlsx(header, rows, title):
    buffer = io.BytesIO()
    write_xlsx(header, rows, buffer, title)
    return buffer.getvalue()


# -- exports as background jobs ------------------------------------------------------

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _job_participations(job):
    from applications.selectors.staff import staff_participations

    participations = staff_participations(job.requested_by).filter(call=job.call)
    if job.participation_id:
        participations = participations.filter(pk=job.participation_id)
    return list(participations)


def export_name(job):
    if job.participation_id:
        return slugify(f"{job.call.slug}-{job.participation.commune.name}")
    return slugify(job.call.slug)


def request_export(*, user, call, file_format, participation=None):
    """Hand an export to a worker; returns its job at once (call outside a transaction)."""
    job = StaffJob.objects.create(
        kind=StaffJob.Kind.EXPORT,
        call=call,
        participation=participation,
        file_format=file_format,
        requested_by=user,
    )
    jobs.enqueue(job)
    return job


def run_export(job_id, chunk_size=CHUNK_SIZE):
    """The worker's side: rows streamed from the database into a temporary file,
    then stored privately; progress counted by rows."""
    job = StaffJob.objects.select_related("call", "participation__commune", "requested_by").get(
        pk=job_id
    )
    if job.state == StaffJob.State.DONE:
        return job
    participations = _job_participations(job)
    total = sum(p.application_count for p in participations)
    StaffJob.objects.filter(pk=job.pk).update(
        state=StaffJob.State.RUNNING, started_at=timezone.now(), total=total, done=0
    )
    user = job.requested_by

    def counted(rows):
        for done, row in enumerate(rows, start=1):
            if done % chunk_size == 0:
                StaffJob.objects.filter(pk=job.pk).update(done=done)
            yield row

    try:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            header = export_header(user, participations)
            rows = counted(iter_export_rows(user, participations, chunk_size=chunk_size))
            with tempfile.TemporaryFile() as spool:
                if job.file_format == "xlsx":
                    write_xlsx(header, rows, spool, title=export_name(job))
                else:
                    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
                    write_csv(header, rows, text)
                    text.flush()
                    text.detach()
                spool.seek(0)
                job.file.save(f"{export_name(job)}.{job.file_format}", File(spool), save=False)
    except Exception as error:
        StaffJob.objects.filter(pk=job.pk).update(
            state=StaffJob.State.FAILED, error=type(error).__name__, finished_at=timezone.now()
        )
        raise
    StaffJob.objects.filter(pk=job.pk).update(
        state=StaffJob.State.DONE, file=job.file.name, done=total, finished_at=timezone.now()
    )
    return job

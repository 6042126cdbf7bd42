"""Writes on calls: creation with default criteria, saving from the back-office, publication."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import DEFAULT_CRITERIA, Call, Criterion, Participation


def add_default_criteria(call):
    """The five criteria of the programme, equally weighted, unless the call has some."""
    if call.criteria.exists():
        return []
    return Criterion.objects.bulk_create(
        Criterion(call=call, name=str(name), weight=weight, order=index)
        for index, (name, weight) in enumerate(DEFAULT_CRITERIA, start=1)
    )


def attach_participations(call, participations):
    """Make ``participations`` exactly the communes of ``call`` (all of its edition)."""
    participations = list(participations)
    wrong = [p for p in participations if p.edition_id != call.edition_id]
    if wrong:
        raise ValidationError(
            _("%(commune)s ne participe pas à cette édition.") % {"commune": wrong[0].commune}
        )
    ids = [p.pk for p in participations]
    Participation.objects.filter(call=call).exclude(pk__in=ids).update(call=None)
    Participation.objects.filter(pk__in=ids).update(call=call)


@transaction.atomic
def create_call(*, participations=(), criteria=None, questions=(), **fields):
    """A draft call; the default criteria when none are given."""
    call = Call(**fields)
    call.full_clean()
    call.save()
    attach_participations(call, participations)
    if criteria:
        Criterion.objects.bulk_create(
            Criterion(call=call, name=name, weight=weight, order=index)
            for index, (name, weight) in enumerate(criteria, start=1)
        )
    else:
        add_default_criteria(call)
    for index, (question, answer) in enumerate(questions, start=1):
        call.questions.create(question=question, answer=answer, order=index)
    return call


@transaction.atomic
def save_call(*, form, criteria_formset, question_formset):
    """Save a call edited in the back-office, with its communes, criteria and Q&A."""
    call = form.save()
    attach_participations(call, form.cleaned_data["participations"])
    criteria_formset.instance = call
    criteria_formset.save()
    question_formset.instance = call
    question_formset.save()
    add_default_criteria(call)
    return call


@transaction.atomic
def save_document_types(*, formset):
    """Save the documents a call asks for, edited in the back-office."""
    return formset.save()


@transaction.atomic
def publish_call(call, *, now=None):
    """Make a draft call public. A call needs communes and criteria to be published."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.published_at is not None:
        return call
    if not call.participations.exists():
        raise ValidationError(_("Ajoutez au moins une commune avant de publier l'appel."))
    if not call.criteria.exists():
        raise ValidationError(_("Ajoutez au moins un critère d'évaluation avant de publier."))
    call.published_at = now or timezone.now()
    call.save(update_fields=["published_at", "updated_at"])
    return call


@transaction.atomic
def unpublish_call(call):
    """Back to draft; refused once applications exist, since candidates rely on the call."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.applications.exists():
        raise ValidationError(
            _("Des candidatures existent déjà : l'appel ne peut plus redevenir brouillon.")
        )
    call.published_at = None
    call.save(update_fields=["published_at", "updated_at"])
    return call

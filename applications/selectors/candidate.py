"""Reads for the candidate side."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationTarget, Attachment, Organisation


def organisations_of(user):
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def organisation_for_member(user, pk):
    return get_object_or_404(organisations_of(user), pk=pk)


def _with_content(queryset):
    return queryset.select_related("call__edition", "organisation").prefetch_related(
        Prefetch(
            "targets",
            queryset=ApplicationTarget.objects.select_related("participation__commune"),
        ),
        Prefetch("attachments", queryset=Attachment.objects.select_related("document_type")),
        "challenges",
        "call__document_types",
    )


def my_applications(user):
    """Every application of the user's organisations, with what the list needs.

    ``of_member`` alone: a member's own applications are among those ``visible_to``
    anyone, and one membership per person and organisation means no DISTINCT (which
    compared whole rows, long texts included, on every autosave)."""
    return _with_content(Application.objects.of_member(user)).order_by(
        "call__closes_at", "organisation__name"
    )


def application_for_member(user, pk):
    """An application of one of the user's organisations, or 404 (forged ids included)."""
    return get_object_or_404(_with_content(Application.objects.of_member(user)), pk=pk)


def attachment_for_download(user, pk):
    """An attachment of an application the user may see, or 404."""
    return get_object_or_404(
        Attachment.objects.select_related("application").filter(
            application__in=Application.objects.visible_to(user)
        ),
        pk=pk,
    )


def revisions_of(application):
    return application.revisions.select_related("author").order_by("-number")


def recap(application):
    """Every answer of the application, step by step, for the recap before submission.

    [{"step": Step, "answers": [(label, value)]}], the validation step excluded (its
    form is on the page). Values are plain text ("" when not answered yet); uses the
    prefetched targets, challenges and attachments.
    """
    from applications.services.drafting import (
        BUDGET_FIELDS,
        EXPERIMENT_FIELDS,
        IMPACT_FIELDS,
        PROJECT_FIELDS,
        STEPS,
    )

    def field_answers(instance, names, suffix=""):
        answers = []
        for name in names:
            field = instance._meta.get_field(name)
            value = getattr(instance, name)
            if field.choices and value:
                value = getattr(instance, f"get_{name}_display")()
            elif name == "budget_cost" and value is not None:
                value = f"{number_format(value, force_grouping=True)} €"
            label = str(field.verbose_name)
            answers.append((label[:1].upper() + label[1:] + suffix, "" if value is None else value))
        return answers

    targets = list(application.targets.all())
    answers = {
        "communes": [
            (
                _("Communes ciblées"),
                ", ".join(
                    f"{t.participation.commune.name} – {t.participation.quarter_name}"
                    for t in targets
                ),
            ),
            (_("Défis"), ", ".join(c.title for c in application.challenges.all())),
        ],
        "projet": field_answers(application, PROJECT_FIELDS),
        "experimentation": [
            answer
            for target in targets
            for answer in field_answers(
                target, EXPERIMENT_FIELDS, f" ({target.participation.commune.name})"
            )
        ],
        "impact": field_answers(application, IMPACT_FIELDS),
        "budget": field_answers(application, BUDGET_FIELDS),
        "pieces": [
            (attachment.label[:1].upper() + attachment.label[1:], attachment.original_name)
            for attachment in application.attachments.all()
        ]
        or [(_("Pièces jointes"), "")],
    }
    return [{"step": step, "answers": answers[step.slug]} for step in STEPS if step.slug in answers]


def documents_asked(application):
    """[(label, description, provided)]: the pitch deck, then each document the call asks for."""
    attachments = list(application.attachments.all())
    provided = {a.document_type_id for a in attachments}
    return [
        (
            _("La présentation (pitch deck) en PDF"),
            "",
            any(a.kind == Attachment.Kind.PITCH_DECK for a in attachments),
        ),
        *(
            (document.name, document.description, document.pk in provided)
            for document in application.call.document_types.all()
        ),
    ]


@dataclass(frozen=True)
class PublishedDecision:
    commune: str
    decision: str  # "selected", "waiting" or "not_selected"
    label: str
    motivation: str


def published_decisions(application):
    """The decisions a candidate may read (``ApplicationTarget.published_decision``):
    none before the call's results are published; an ineligible row shows the
    screening reason."""
    if not application.decisions_published:
        return []
    decisions = []
    # The prefetched targets when the caller has them (a list of applications).
    targets = sorted(
        application.targets.all(), key=lambda target: target.participation.commune.name
    )
    for target in targets:
        decision = target.published_decision
        motivation = target.decision_motivation
        if not motivation and target.eligibility == ApplicationTarget.Eligibility.INELIGIBLE:
            motivation = target.eligibility_reason
        decisions.append(
            PublishedDecision(
                commune=target.participation.commune.name,
                decision=decision,
                label=str(ApplicationTarget.Decision(decision).label),
                motivation=motivation,
            )
        )
    return decisions

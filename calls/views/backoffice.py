"""The metropolis admins' back-office: editions, communes, participations, calls."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from calls import selectors, services
from calls.forms import (
    CallForm,
    CallQuestionFormSet,
    ChallengeFormSet,
    CommuneForm,
    CriterionFormSet,
    EditionForm,
    ParticipationForm,
    criterion_formset_for_new_call,
)
from calls.models import Call, Edition, Participation
from calls.permissions import metropolis_admin_required
from communes import selectors as communes_selectors
from communes.models import Commune
from qmi.templatetags.qmi_tags import error_count, paris_datetime


@metropolis_admin_required
def home(request):
    calls = list(selectors.backoffice_calls())
    return render(
        request,
        "calls/backoffice/home.html",
        {
            "drafts": [call for call in calls if not call.is_published],
            "open_calls": [call for call in calls if call.state() == Call.State.OPEN],
            "edition_count": Edition.objects.count(),
            "commune_count": Commune.objects.count(),
            "participation_count": Participation.objects.count(),
            "call_count": len(calls),
        },
    )


def _edit(request, form_class, instance, template, context, success):
    """Create or edit one object with a plain model form."""
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
        messages.success(request, _("« %(object)s » est enregistré.") % {"object": saved})
        return redirect(success)
    return render(
        request,
        template,
        {**context, "form": form, "object": instance},
        status=400 if form.errors else 200,
    )


def _errors(form, *formsets):
    """One error summary for a form and its formsets (each with the legend of its rows)."""
    for formset, legend in formsets:
        formset.legend = legend
    shown = [formset for formset, _legend in formsets]
    return {
        "formsets": shown,
        "error_total": error_count(form) + sum(error_count(formset) for formset in shown),
    }


# Editions.


@metropolis_admin_required
def edition_list(request):
    return render(
        request,
        "calls/backoffice/edition_list.html",
        {"editions": list(selectors.editions_with_counts())},
    )


@metropolis_admin_required
def edition_form(request, pk=None):
    edition = get_object_or_404(Edition, pk=pk) if pk else None
    return _edit(
        request,
        EditionForm,
        edition,
        "calls/backoffice/simple_form.html",
        {
            "title": _("Modifier l'édition") if edition else _("Nouvelle édition"),
            "back_url": "backoffice:edition_list",
        },
        "backoffice:edition_list",
    )


# Communes.


@metropolis_admin_required
def commune_list(request):
    return render(
        request,
        "calls/backoffice/commune_list.html",
        {"communes": list(communes_selectors.backoffice_communes())},
    )


@metropolis_admin_required
def commune_form(request, pk=None):
    commune = get_object_or_404(Commune, pk=pk) if pk else None
    return _edit(
        request,
        CommuneForm,
        commune,
        "calls/backoffice/simple_form.html",
        {
            "title": _("Modifier la commune") if commune else _("Nouvelle commune"),
            "back_url": "backoffice:commune_list",
        },
        "backoffice:commune_list",
    )


# Participations and their challenges.


@metropolis_admin_required
def participation_list(request):
    return render(
        request,
        "calls/backoffice/participation_list.html",
        {"participations": list(selectors.backoffice_participations())},
    )


@metropolis_admin_required
def participation_form(request, pk=None):
    participation = get_object_or_404(Participation, pk=pk) if pk else Participation()
    data = request.POST or None
    form = ParticipationForm(data, instance=participation)
    challenges = ChallengeFormSet(data, instance=participation, prefix="challenges")
    if request.method == "POST" and form.is_valid() and challenges.is_valid():
        try:
            with transaction.atomic():
                participation = form.save()
                challenges.instance = participation
                challenges.save()
        except ValidationError as error:  # a selection raced the quota change
            form.add_error(None, error)
        else:
            messages.success(
                request, _("« %(object)s » est enregistré.") % {"object": participation}
            )
            return redirect("backoffice:participation_list")
    return render(
        request,
        "calls/backoffice/participation_form.html",
        {
            "form": form,
            "challenges": challenges,
            "participation": participation,
            **_errors(form, (challenges, _("Défi"))),
        },
        status=400 if request.method == "POST" else 200,
    )


# Calls.


@metropolis_admin_required
def call_list(request):
    return render(
        request, "calls/backoffice/call_list.html", {"calls": list(selectors.backoffice_calls())}
    )


@metropolis_admin_required
def call_detail(request, pk):
    call = get_object_or_404(selectors.backoffice_calls(), pk=pk)
    return render(
        request,
        "calls/backoffice/call_detail.html",
        {
            "call": call,
            "criteria": list(call.criteria.all()),
            "questions": list(call.questions.all()),
        },
    )


@metropolis_admin_required
def call_form(request, pk=None):
    call = get_object_or_404(Call, pk=pk) if pk else Call()
    data = request.POST or None
    files = request.FILES or None
    form = CallForm(data, files, instance=call)
    if call.pk:
        criteria = CriterionFormSet(data, instance=call, prefix="criteria")
    else:
        criteria = criterion_formset_for_new_call(data)
    questions = CallQuestionFormSet(data, instance=call, prefix="questions")
    if request.method == "POST" and all(
        [form.is_valid(), criteria.is_valid(), questions.is_valid()]
    ):
        try:
            call = services.save_call(
                form=form, criteria_formset=criteria, question_formset=questions
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("L'appel « %(title)s » est enregistré.") % {"title": call})
            return redirect("backoffice:call_detail", pk=call.pk)
    if request.method == "POST":
        form.keep_rules_upload()
    return render(
        request,
        "calls/backoffice/call_form.html",
        {
            "form": form,
            "criteria": criteria,
            "questions": questions,
            "call": call,
            **_errors(form, (criteria, _("Critère")), (questions, _("Question"))),
        },
        status=400 if request.method == "POST" else 200,
    )


@metropolis_admin_required
@require_http_methods(["GET", "POST"])
def call_publish(request, pk):
    call = get_object_or_404(Call, pk=pk)
    if request.method == "GET":
        return _confirm_call_publication(request, call)
    try:
        services.publish_call(call)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("backoffice:call_detail", pk=pk)
    messages.success(request, _("L'appel « %(title)s » est publié.") % {"title": call})
    return redirect("backoffice:call_detail", pk=pk)


@metropolis_admin_required
@require_POST
def call_unpublish(request, pk):
    call = get_object_or_404(Call, pk=pk)
    try:
        services.unpublish_call(call)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("L'appel « %(title)s » est redevenu brouillon.") % {"title": call}
        )
    return redirect("backoffice:call_detail", pk=pk)


def _confirm_call_publication(request, call):
    """What publishing the call does, with the alert e-mails it causes (counted, not loaded)."""
    figures = selectors.call_publication_consequences(call)
    refusal = None
    if call.is_published:
        refusal = _("Cet appel est déjà publié.")
    elif figures["refusal"]:
        refusal = figures["refusal"]
    emails = figures["alert_emails"]
    consequences = [
        _(
            "L'appel devient visible de tous sur %(url)s, dans la liste des appels, le plan du "
            "site et l'API publique."
        )
        % {"url": request.build_absolute_uri(call.get_absolute_url())},
        ngettext(
            "%(count)d commune participante ; %(criteria)d critère d'évaluation.",
            "%(count)d communes participantes ; %(criteria)d critères d'évaluation.",
            figures["communes"],
        )
        % {"count": figures["communes"], "criteria": figures["criteria"]},
    ]
    if figures["alerts_sent"]:
        consequences.append(
            ngettext(
                "%(count)d e-mail sera envoyé à l'ouverture (%(when)s) aux personnes abonnées "
                "aux alertes de ses communes ou thématiques.",
                "%(count)d e-mails seront envoyés à l'ouverture (%(when)s) aux personnes "
                "abonnées aux alertes de ses communes ou thématiques.",
                emails,
            )
            % {"count": emails, "when": paris_datetime(call.opens_at)}
        )
    else:
        consequences.append(
            _(
                "Aucune alerte d'ouverture ne sera envoyée : l'appel a ouvert il y a plus de "
                "7 jours ou il est clos."
            )
        )
    consequences.append(
        _(
            "Les organisations qui commencent un brouillon recevront les rappels avant la date "
            "limite. L'appel peut redevenir brouillon tant qu'aucune candidature n'existe."
        )
    )
    return render(
        request,
        "calls/backoffice/confirm.html",
        {
            "title": _("Publier l'appel « %(title)s »") % {"title": call.title},
            "consequences": consequences,
            "refusal": refusal,
            "action": reverse("backoffice:call_publish", args=[call.pk]),
            "confirm_label": _("Publier l'appel"),
            "cancel_url": reverse("backoffice:call_detail", args=[call.pk]),
        },
    )

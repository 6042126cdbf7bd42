"""Confirmation pages: GET says what the action will do, with real counts; POST (the
action's own view) does it. They work without JavaScript."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.selectors.confirmations import (
    finalisation_consequences,
    publication_consequences,
)
from applications.services import results, selection


def _emails(count):
    return ngettext("%(count)d e-mail sera envoyé.", "%(count)d e-mails seront envoyés.", count) % {
        "count": count
    }


def _decisions_line(waiting, not_selected, ineligible=None):
    """ "2 en liste d'attente, 1 non retenue, 3 non éligibles." with real plurals."""
    parts = [
        ngettext("%(n)d en liste d'attente", "%(n)d en liste d'attente", waiting) % {"n": waiting},
        ngettext("%(n)d non retenue", "%(n)d non retenues", not_selected) % {"n": not_selected},
    ]
    if ineligible is not None:
        parts.append(
            ngettext("%(n)d non éligible", "%(n)d non éligibles", ineligible) % {"n": ineligible}
        )
    return ", ".join(parts) + "."


def _render(request, **context):
    return render(request, "applications/staff/confirm.html", context)


def confirm_publication(request, call):
    figures = publication_consequences(call)
    refusal = selection.call_still_open_message(call)
    waiting_for = results.unfinalised_communes(call)
    if not refusal and waiting_for:
        refusal = _("Ces communes n'ont pas finalisé leur sélection : %(names)s.") % {
            "names": ", ".join(waiting_for)
        }
    if call.results_published:
        refusal = _("Les résultats de cet appel sont déjà publiés.")
    consequences = [
        _emails(figures["emails"]),
        _(
            "Chaque membre des organisations candidates reçoit, pour chaque commune visée, "
            "sa décision et sa motivation (%(decisions)s, %(applications)s)."
        )
        % {
            "decisions": ngettext("%(n)d décision", "%(n)d décisions", figures["decisions"])
            % {"n": figures["decisions"]},
            "applications": ngettext(
                "%(n)d candidature", "%(n)d candidatures", figures["applications"]
            )
            % {"n": figures["applications"]},
        },
        ngettext(
            "%(count)d projet retenu devient une expérimentation et apparaît sur les pages "
            "publiques et dans les données ouvertes.",
            "%(count)d projets retenus deviennent des expérimentations et apparaissent sur les "
            "pages publiques et dans les données ouvertes.",
            figures["selected"],
        )
        % {"count": figures["selected"]},
        _decisions_line(figures["waiting"], figures["not_selected"])
        + " "
        + _("(« non retenue » vaut aussi pour les candidatures sans décision ou non éligibles.)"),
        _(
            "La publication ne peut pas être annulée : les messages partis ne reviennent pas, "
            "et les sélections ne peuvent plus être rouvertes."
        ),
    ]
    return _render(
        request,
        title=_("Publier les résultats – %(title)s") % {"title": call.title},
        consequences=consequences,
        refusal=refusal,
        action=reverse("staff:publish_results", args=[call.pk]),
        confirm_label=_emails_button(figures["emails"]),
        cancel_url=reverse("staff:call_results", args=[call.pk]),
        danger=True,
    )


def _emails_button(count):
    return ngettext(
        "Publier et envoyer %(count)d e-mail",
        "Publier et envoyer %(count)d e-mails",
        count,
    ) % {"count": count}


def confirm_finalisation(request, participation):
    figures = finalisation_consequences(participation)
    leave_undecided = request.GET.get("leave_undecided") == "on"
    refusal = selection.finalise_refusal(participation, figures["selected"])
    consequences = [
        ngettext(
            "%(selected)d projet retenu (entre %(min)d et %(max)d attendus).",
            "%(selected)d projets retenus (entre %(min)d et %(max)d attendus).",
            figures["selected"],
        )
        % {**figures, "min": participation.quota_min, "max": participation.quota_max},
        _decisions_line(figures["waiting"], figures["not_selected"], figures["ineligible"]),
    ]
    if figures["undecided"]:
        consequences.append(
            ngettext(
                "%(count)d candidature sans décision sera non retenue à la publication.",
                "%(count)d candidatures sans décision seront non retenues à la publication.",
                figures["undecided"],
            )
            % {"count": figures["undecided"]}
        )
    consequences += [
        _(
            "Les décisions, les évaluations et les conflits d'intérêts sont figés ; seul un "
            "administrateur de la Métropole peut rouvrir la sélection."
        ),
        _(
            "Aucun e-mail n'est envoyé maintenant : les candidats apprennent les décisions "
            "quand la Métropole publie les résultats de l'appel."
        ),
    ]
    return _render(
        request,
        title=_("Finaliser la sélection – %(commune)s") % {"commune": participation.commune.name},
        consequences=consequences,
        refusal=refusal,
        action=reverse("staff:finalise_selection", args=[participation.pk]),
        confirm_label=_("Finaliser la sélection"),
        cancel_url=reverse("staff:dashboard", args=[participation.pk]),
        undecided=figures["undecided"],
        leave_undecided=leave_undecided,
    )


def confirm_reopening(request, participation):
    figures = finalisation_consequences(participation)
    refusal = None
    if participation.call.results_published:
        refusal = _("Les résultats de l'appel sont publiés : la sélection ne peut plus rouvrir.")
    elif not participation.is_finalised:
        refusal = _("La sélection de cette commune n'est pas finalisée.")
    consequences = [
        ngettext(
            "Les responsables de %(commune)s pourront de nouveau modifier leurs décisions "
            "(%(selected)d projet retenu aujourd'hui).",
            "Les responsables de %(commune)s pourront de nouveau modifier leurs décisions "
            "(%(selected)d projets retenus aujourd'hui).",
            figures["selected"],
        )
        % {"commune": participation.commune.name, "selected": figures["selected"]},
        _(
            "Les résultats de l'appel ne pourront être publiés qu'après une nouvelle "
            "finalisation par la commune."
        ),
        _("Aucun e-mail n'est envoyé."),
    ]
    return _render(
        request,
        title=_("Rouvrir la sélection – %(commune)s") % {"commune": participation.commune.name},
        consequences=consequences,
        refusal=refusal,
        action=reverse("staff:reopen_selection", args=[participation.pk]),
        confirm_label=_("Rouvrir la sélection"),
        cancel_url=reverse("staff:call_results", args=[participation.call_id]),
    )

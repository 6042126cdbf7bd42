"""Decisions per targeted commune, within the participation's quota, and finalisation.

The quota holds under concurrent requests: every change to a participation's
selection locks the participation's row first (``select_for_update``), and a
selected row holds one numbered seat 1..quota_max, unique per participation
(a database constraint), so even a missed lock cannot over-select.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import Application, ApplicationTarget
from applications.permissions.staff import can_decide, can_finalise, can_reopen
from calls.models import Participation
from qmi.dates import paris_datetime

Decision = ApplicationTarget.Decision
Eligibility = ApplicationTarget.Eligibility


class QuotaReached(ValidationError):
    pass


class SelectionLocked(ValidationError):
    pass


def _locked_participation(participation_id):
    return (
        Participation.objects.select_for_update(of=("self",))
        .select_related("call", "commune")
        .get(pk=participation_id)
    )


def decide(*, user, target, decision, motivation):
    """Record a manager's decision on one targeted commune."""
    if decision not in (Decision.SELECTED, Decision.WAITING, Decision.NOT_SELECTED):
        raise ValidationError({"decision": _("Choisissez une décision de la liste.")})
    motivation = (motivation or "").strip()
    if not motivation:
        raise ValidationError({"motivation": _("Rédigez une motivation : le candidat la lira.")})
    try:
        with transaction.atomic():
            participation = _locked_participation(target.participation_id)
            target = (
                ApplicationTarget.objects.select_for_update(of=("self",))
                .select_related("application")
                .get(pk=target.pk)
            )
            target.participation = participation
            if participation.is_finalised or participation.call.results_published:
                raise SelectionLocked(_("La sélection de la commune est finalisée."))
            if not can_decide(user, target):
                raise PermissionDenied
            refusal = decision_refusal(target, decision)
            if refusal:
                raise ValidationError({"decision": refusal})
            if decision == Decision.SELECTED and target.decision != Decision.SELECTED:
                taken = set(
                    ApplicationTarget.objects.filter(
                        participation=participation, selection_slot__isnull=False
                    ).values_list("selection_slot", flat=True)
                )
                free = [n for n in range(1, participation.quota_max + 1) if n not in taken]
                if not free:
                    raise QuotaReached(_quota_message(participation))
                target.selection_slot = free[0]
            elif decision != Decision.SELECTED:
                target.selection_slot = None
            target.decision = decision
            target.decision_motivation = motivation
            target.decided_by = user
            target.decided_at = timezone.now()
            target._history_user = user
            target.save()
            return target
    except IntegrityError as error:  # two writers took the same seat: the constraint won
        raise QuotaReached(_quota_message(target.participation)) from error


def _quota_message(participation):
    return _(
        "Le nombre maximum de projets retenus (%(max)d) est atteint : "
        "placez d'abord un autre projet en liste d'attente."
    ) % {"max": participation.quota_max}


def decision_refusal(target, decision, now=None):
    """Why this decision cannot be taken now, or None: nothing is decided while the
    call is open, and only an application screened eligible can be selected."""
    still_open = call_still_open_message(target.participation.call, now)
    if still_open:
        return _("Aucune décision tant que l’appel est ouvert. %(why)s") % {"why": still_open}
    if decision == Decision.SELECTED and target.eligibility != Eligibility.ELIGIBLE:
        return _(
            "Seule une candidature déclarée éligible peut être retenue : "
            "examinez d’abord son éligibilité."
        )
    return None


def undecided_targets(participation):
    """Submitted applications of the commune still without a decision and not ineligible."""
    return ApplicationTarget.objects.filter(
        participation=participation,
        application__state=Application.State.SUBMITTED,
        decision=Decision.NONE,
    ).exclude(eligibility=Eligibility.INELIGIBLE)


def undecided_message(count):
    return ngettext(
        "%(count)d candidature n’a ni décision ni avis de non-éligibilité : décidez, "
        "ou confirmez que vous finalisez sans décision pour elle.",
        "%(count)d candidatures n’ont ni décision ni avis de non-éligibilité : décidez, "
        "ou confirmez que vous finalisez sans décision pour elles.",
        count,
    ) % {"count": count}


def selected_count(participation):
    return ApplicationTarget.objects.filter(
        participation=participation,
        decision=Decision.SELECTED,
        application__state=Application.State.SUBMITTED,
    ).count()


def call_still_open_message(call, now=None):
    """Why nothing may be finalised or published yet, or None once the call has closed."""
    if (now or timezone.now()) < call.closes_at:
        return _(
            "L'appel est encore ouvert aux candidatures jusqu'au %(closes_at)s : "
            "attendez sa clôture."
        ) % {"closes_at": paris_datetime(call.closes_at)}
    return None


def quota_message(participation, count):
    """Why the selection of ``count`` projects is outside the quota, or None."""
    if participation.quota_min <= count <= participation.quota_max:
        return None
    return _(
        "Retenez entre %(min)d et %(max)d projets pour finaliser la sélection "
        "(%(count)d actuellement)."
    ) % {"min": participation.quota_min, "max": participation.quota_max, "count": count}


def finalise_refusal(participation, count, now=None):
    """The first reason the selection cannot be finalised now, or None (shared by the
    service and the dashboard, which shows the reason instead of a live button).
    Undecided applications are a separate, confirmable reason: see ``undecided_targets``."""
    return call_still_open_message(participation.call, now) or quota_message(participation, count)


@transaction.atomic
def finalise_selection(*, user, participation, leave_undecided=False):
    """Lock the commune's selection once the call has closed, quota_min..quota_max
    projects are selected, and every other submitted application has a decision or
    is ineligible (or the manager explicitly finalises without deciding on them:
    ``leave_undecided``; they then read as not selected once results are published)."""
    participation = _locked_participation(participation.pk)
    if not can_finalise(user, participation):
        raise PermissionDenied
    refusal = finalise_refusal(participation, selected_count(participation))
    if refusal:
        raise ValidationError(refusal)
    undecided = undecided_targets(participation).count()
    if undecided and not leave_undecided:
        raise ValidationError({"leave_undecided": undecided_message(undecided)})
    participation.selection_finalised_at = timezone.now()
    participation._history_user = user
    participation.save(update_fields=["selection_finalised_at"])
    return participation


@transaction.atomic
def reopen_selection(*, user, participation):
    participation = _locked_participation(participation.pk)
    if not can_reopen(user, participation):
        raise PermissionDenied
    participation.selection_finalised_at = None
    participation._history_user = user
    participation.save(update_fields=["selection_finalised_at"])
    return participation

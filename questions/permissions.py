"""Who may see, ask and answer questions to candidates: one answer per question.

- A question is seen by the team of the commune that asked it (never another
  commune's, nor a metropolis admin who is not in that team) and by the members
  of the applicant organisation.
- The team of a targeted commune asks, unless in a conflict of interest, until
  the commune finalises its selection.
- The organisation's members answer, even after the call has closed, until
  that commune finalises its selection.
"""

from django.utils.translation import gettext as _

from accounts.roles import roles_of

__all__ = [
    "answer_refusal",
    "ask_refusal",
    "can_answer",
    "can_ask",
    "can_view_question",
    "can_view_team_questions",
    "is_organisation_member",
]


def organisation_ids(user):
    """The organisations the user belongs to, read once per request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_qmi_organisation_ids", None)
    if cached is None:
        from applications.models import OrganisationMembership

        cached = frozenset(
            OrganisationMembership.objects.filter(user=user).values_list(
                "organisation_id", flat=True
            )
        )
        user._qmi_organisation_ids = cached
    return cached


def is_organisation_member(user, application):
    return application.organisation_id in organisation_ids(user)


def can_view_team_questions(user, target):
    """The team of this target's commune sees its own questions (admins outside it don't)."""
    return target.participation.commune_id in roles_of(user).staff_communes


def can_view_question(user, question):
    """The asking commune's team (while the application is theirs to see: the selectors
    check that) and the applicant organisation's members."""
    return can_view_team_questions(user, question.target) or is_organisation_member(
        user, question.target.application
    )


def _closed(participation):
    """The thread closes when the commune finalises (or results are out)."""
    call = participation.call
    if participation.selection_finalised_at is not None:
        return _("%(commune)s a finalisé sa sélection : la discussion est close.") % {
            "commune": participation.commune.name
        }
    if call is not None and call.results_published:
        return _("Les résultats de l'appel sont publiés : la discussion est close.")
    return None


def ask_refusal(target):
    """Why no question can be asked on this target now, or None."""
    if not target.application.is_submitted or target.withdrawn_at is not None:
        return _("Cette candidature n'est plus déposée auprès de votre commune.")
    return _closed(target.participation)


def can_ask(user, target):
    from applications.permissions.staff import has_conflict

    return (
        can_view_team_questions(user, target)
        and ask_refusal(target) is None
        and not has_conflict(user, target)
    )


def answer_refusal(question):
    """Why this question can no longer be answered, or None (the call may have closed)."""
    target = question.target
    if not target.application.is_submitted:
        return _("Cette candidature a été retirée : elle ne reçoit plus de réponse.")
    if target.withdrawn_at is not None:
        return _("Cette commune n'est plus visée par la candidature.")
    return _closed(target.participation)


def can_answer(user, question):
    return (
        is_organisation_member(user, question.target.application)
        and answer_refusal(question) is None
    )

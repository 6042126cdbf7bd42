"""Commune staff and metropolis admin side: screening, reviews, decisions, results.

Every question "may this user do X?" of the staff side has exactly one
answer here; views and services both ask these functions.
"""

from accounts.roles import roles_of
from applications.models import OrganisationMembership, Review

__all__ = [
    "can_access_staff_area",
    "can_add_note",
    "can_assign",
    "can_assign_reviewers",
    "can_follow_job",
    "can_decide",
    "can_declare_conflict",
    "can_export_call",
    "can_finalise",
    "can_publish_results",
    "can_reopen",
    "can_review",
    "can_screen",
    "can_screen_in",
    "can_see_colleague_reviews",
    "can_view_audit_log",
    "can_view_participation",
    "can_view_results",
    "can_view_target",
    "finalise_conflicts",
    "has_conflict",
    "is_applicant_member",
    "is_manager_of",
    "scores_always_visible",
]


def can_access_staff_area(user):
    roles = roles_of(user)
    return roles.is_commune_staff or roles.is_metropolis_admin


def can_view_participation(user, participation):
    roles = roles_of(user)
    return roles.is_metropolis_admin or participation.commune_id in roles.staff_communes


def can_view_target(user, target):
    """The staff application page: the commune's team and metropolis admins."""
    return can_view_participation(user, target.participation)


def is_manager_of(user, participation):
    return participation.commune_id in roles_of(user).manager_of


def _selection_open(participation):
    call = participation.call
    return not participation.is_finalised and not (call and call.results_published)


def is_applicant_member(user, target):
    """Members of the applicant organisation are in a conflict of interest on its
    application, declared or not, for every staff action."""
    return OrganisationMembership.objects.filter(
        user=user, organisation_id=target.application.organisation_id
    ).exists()


def has_conflict(user, target):
    """Whether the user declared a conflict of interest on this target, or belongs
    to the applicant organisation.

    Uses the ``my_conflict`` annotation of the staff selectors (computed for
    the same user, membership included) when present, so a page asks the
    database nothing more.
    """
    annotated = getattr(target, "my_conflict", None)
    if annotated is not None:
        return annotated
    return Review.objects.filter(
        target=target, reviewer=user, conflict_of_interest=True
    ).exists() or is_applicant_member(user, target)


def _acts_for_commune(user, participation):
    """Managers of the commune, and metropolis admins who step in when the commune's
    only manager is conflicted (so a commune with one manager is never stuck)."""
    return is_manager_of(user, participation) or roles_of(user).is_metropolis_admin


def can_screen(user, target):
    """Managers (or an admin) screen the applications of their commune until the
    selection is locked, unless they declared a conflict of interest on it."""
    return (
        _acts_for_commune(user, target.participation)
        and _selection_open(target.participation)
        and not has_conflict(user, target)
    )


def can_review(user, target, review=None):
    """Team members review eligible or unscreened applications, unless conflicted."""
    roles = roles_of(user)
    if target.participation.commune_id not in roles.staff_communes:
        return False
    if target.eligibility == target.Eligibility.INELIGIBLE:
        return False
    if review is not None and review.conflict_of_interest:
        return False
    if has_conflict(user, target):
        return False
    return target.application.is_submitted and _selection_open(target.participation)


def can_decide(user, target):
    """Another manager of the commune, or a metropolis admin, decides when one
    manager is conflicted. Whether a decision may be taken *now* (call closed,
    screened eligible for a selection) is the service's rule, with its message."""
    return (
        _acts_for_commune(user, target.participation)
        and target.application.is_submitted
        and target.eligibility != target.Eligibility.INELIGIBLE
        and _selection_open(target.participation)
        and not has_conflict(user, target)
    )


def can_assign(user, participation):
    """Managers (or an admin) share the applications among the team until the selection
    is locked."""
    return _acts_for_commune(user, participation) and _selection_open(participation)


def can_assign_reviewers(user, target):
    return can_assign(user, target.participation)


def can_screen_in(user, participation):
    """Bulk screening from the dashboard: managers (or an admin) of an open selection;
    each row is then asked ``can_screen`` (a conflicted row is skipped)."""
    return _acts_for_commune(user, participation) and _selection_open(participation)


def _conflicted_rows(participation, user_ref):
    """Rows of the participation still in play (submitted, not ineligible) on which
    ``user_ref`` (a user, or an OuterRef to one) declared a conflict of interest or
    belongs to the applicant organisation."""
    from django.db.models import Exists, OuterRef, Q

    from applications.models import Application, ApplicationTarget

    return (
        ApplicationTarget.objects.filter(
            participation=participation, application__state=Application.State.SUBMITTED
        )
        .exclude(eligibility=ApplicationTarget.Eligibility.INELIGIBLE)
        .filter(
            Q(
                Exists(
                    Review.objects.filter(
                        target=OuterRef("pk"), reviewer=user_ref, conflict_of_interest=True
                    )
                )
            )
            | Q(
                Exists(
                    OrganisationMembership.objects.filter(
                        user=user_ref, organisation_id=OuterRef("application__organisation_id")
                    )
                )
            )
        )
    )


def finalise_conflicts(user, participation):
    """The commune's applications still in play on which the user has a conflict of
    interest (declared, or as a member of the applicant organisation): finalising
    would settle their outcome (and, without a decision, decide "not selected"), so
    such a user does not finalise."""
    return _conflicted_rows(participation, user)


def _a_manager_may_finalise(participation):
    from django.db.models import Exists, OuterRef

    from communes.models import TeamMembership

    return (
        TeamMembership.objects.filter(
            commune_id=participation.commune_id, role=TeamMembership.Role.MANAGER
        )
        .exclude(Exists(_conflicted_rows(participation, OuterRef(OuterRef("user")))))
        .exists()
    )


def can_finalise(user, participation):
    """A manager of the commune without a conflict on any of its applications still in
    play finalises; when every manager has one, a metropolis admin (without one)
    finalises instead, so the commune is never stuck."""
    if not _selection_open(participation):
        return False
    roles = roles_of(user)
    if is_manager_of(user, participation):
        return not finalise_conflicts(user, participation).exists()
    if roles.is_metropolis_admin:
        return not finalise_conflicts(user, participation).exists() and not _a_manager_may_finalise(
            participation
        )
    return False


def can_reopen(user, participation):
    """Only a metropolis admin reopens a finalised selection, before publication."""
    call = participation.call
    return (
        roles_of(user).is_metropolis_admin
        and participation.is_finalised
        and not (call and call.results_published)
    )


def can_declare_conflict(user, target):
    """Team members declare a conflict until the selection is finalised: from then on
    reviews and conflicts are frozen (published scores never move)."""
    return target.participation.commune_id in roles_of(user).staff_communes and _selection_open(
        target.participation
    )


def can_add_note(user, target):
    return target.participation.commune_id in roles_of(user).staff_communes and not (
        has_conflict(user, target)
    )


def scores_always_visible(user, participation):
    """Managers (who decide) and admins see scores without reviewing first."""
    roles = roles_of(user)
    return roles.is_metropolis_admin or participation.commune_id in roles.manager_of


def can_see_colleague_reviews(user, target, my_review):
    """Conflicted reviewers never see scores; with the call's setting, the others
    see their colleagues' reviews once their own is submitted."""
    if my_review is not None and my_review.conflict_of_interest:
        return False
    if has_conflict(user, target):
        return False
    if scores_always_visible(user, target.participation):
        return True
    if not target.participation.call.hide_reviews_until_submitted:
        return True
    return my_review is not None and my_review.is_submitted


def can_view_results(user, call=None):
    return roles_of(user).is_metropolis_admin


def can_publish_results(user, call):
    return roles_of(user).is_metropolis_admin


def can_export_call(user, call=None):
    return roles_of(user).is_metropolis_admin


def can_view_audit_log(user, call=None):
    return roles_of(user).is_metropolis_admin


def can_follow_job(user, job):
    """A background job (export, publication) is followed and its file downloaded by
    the person who asked for it, while they still have the access it needed."""
    if job.requested_by_id != user.pk:
        return False
    if job.kind == job.Kind.PUBLICATION or job.participation_id is None:
        return roles_of(user).is_metropolis_admin
    from applications.selectors.staff import staff_participations

    return staff_participations(user).filter(pk=job.participation_id).exists()

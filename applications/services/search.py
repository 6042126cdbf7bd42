"""Keep the full-text search documents of the applications' rows up to date
(read side: applications.selectors.search)."""

from applications.models import ApplicationTarget
from applications.selectors.search import document, fold


def index_application(application):
    """Rewrite the search document of each targeted commune's row of an application.

    Called at submission and at every recorded change of a submitted application
    (``record_revision``), and when an organisation is renamed.
    """
    challenges = {}
    for participation_id, title in application.challenges.values_list("participation_id", "title"):
        challenges.setdefault(participation_id, []).append(title)
    organisation_name = application.organisation.name
    for target in ApplicationTarget.objects.filter(application=application):
        text = document(
            application, target, organisation_name, challenges.get(target.participation_id, [])
        )
        # A plain UPDATE: the search document is no event of the audit log.
        ApplicationTarget.objects.filter(pk=target.pk).update(
            search_text=text, search_folded=fold(text)
        )


def index_organisation(organisation):
    for application in organisation.applications.exclude(state="draft"):
        index_application(application)


def rebuild_index(applications=None):
    """Every submitted or withdrawn application (demo data, deployments)."""
    from applications.models import Application

    queryset = applications if applications is not None else Application.objects.all()
    for application in queryset.exclude(state="draft").select_related("organisation").iterator():
        index_application(application)

from applications.models.application import (
    Application,
    ApplicationQuerySet,
    ApplicationRevision,
    ApplicationTarget,
    Attachment,
)
from applications.models.job import StaffJob
from applications.models.organisation import (
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
)
from applications.models.review import Review, ReviewAssignment, ReviewScore, TeamNote

__all__ = [
    "Application",
    "ApplicationQuerySet",
    "ApplicationRevision",
    "ApplicationTarget",
    "Attachment",
    "Organisation",
    "OrganisationInvitation",
    "OrganisationMembership",
    "Review",
    "ReviewAssignment",
    "ReviewScore",
    "StaffJob",
    "TeamNote",
]

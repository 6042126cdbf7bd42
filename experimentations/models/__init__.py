from experimentations.models.pilot import (
    Milestone,
    Outcome,
    Pilot,
    PilotQuerySet,
    Report,
    ReportAttachment,
)
from experimentations.models.survey import Survey, SurveyAnswer, SurveyRecipient

__all__ = [
    "Milestone",
    "Outcome",
    "Pilot",
    "PilotQuerySet",
    "Report",
    "ReportAttachment",
    "Survey",
    "SurveyAnswer",
    "SurveyRecipient",
]

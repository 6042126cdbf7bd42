"""The kinds of message the outbox sends, and who may unsubscribe from them.

Transactional kinds (receipts, decisions, invitations...) cannot be
unsubscribed from. Reminders can be muted per call; "a call opens" alerts
are cancelled on the alert page.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Unsubscribe scopes.
CALL_REMINDERS = "call_reminders"
ALERTS = "alerts"


@dataclass(frozen=True)
class Kind:
    label: str
    unsubscribe: str | None = None  # None: transactional
    # Dotted path of a function (message) -> [(filename, content, mimetype)], called
    # when the mail is built: files are made from the current data, never stored.
    attachments: str | None = None


KINDS = {
    # Queued by applications (candidate side).
    "submission_receipt": Kind(_("accusé de réception")),
    "application_changed": Kind(_("candidature modifiée")),
    "organisation_invitation": Kind(_("invitation dans une organisation")),
    # Queued by applications (commune teams and results).
    "decision": Kind(_("décision")),
    # Queued by communes (team invitations).
    "team_invitation": Kind(_("invitation dans une équipe communale")),
    # Queued by accounts (allauth's mails, through accounts.adapter).
    "account_email_confirmation": Kind(_("confirmation d'adresse e-mail")),
    "account_password_reset": Kind(_("nouveau mot de passe")),
    "account_unknown": Kind(_("aucun compte à cette adresse")),
    "account_already_exists": Kind(_("compte déjà existant")),
    # Notifications (this app).
    "deadline_reminder": Kind(_("rappel de date limite"), CALL_REMINDERS),
    "alert_confirmation": Kind(_("confirmation d'alerte")),
    "call_opened": Kind(_("ouverture d'un appel"), ALERTS),
    "call_closed": Kind(_("clôture d'un appel")),
    "review_reminder": Kind(_("rappel d'évaluation"), CALL_REMINDERS),
    # Queued by applications (assignments, before the commune's review deadline).
    "assignment_reminder": Kind(_("rappel des évaluations affectées"), CALL_REMINDERS),
    # Queued by experimentations (pilots and the satisfaction survey).
    "report_reminder": Kind(_("rappel de rapport d'avancement")),
    "report_filed": Kind(_("rapport d'avancement déposé")),
    "survey_invitation": Kind(_("enquête de satisfaction")),
    "survey_reminder": Kind(_("relance de l'enquête de satisfaction")),
    # Queued by questions (a commune's question to a candidate, the candidate's answer).
    "question_asked": Kind(_("question d'une commune")),
    "question_answered": Kind(_("réponse à une question")),
    # Queued by privacy (retention of personal data).
    "draft_deletion_notice": Kind(_("avis de suppression d'un brouillon")),
    "inactive_account_notice": Kind(_("avis de suppression d'un compte inactif")),
    "data_export_ready": Kind(_("archive « Mes données » prête")),
    # Queued by auditions (shortlisted companies), the booked ones with an .ics file.
    "audition_invitation": Kind(_("invitation à une audition")),
    "audition_booked": Kind(_("audition réservée"), attachments="auditions.ics.mail_attachments"),
    "audition_reminder": Kind(_("rappel d'audition"), attachments="auditions.ics.mail_attachments"),
}


def kind_label(kind):
    entry = KINDS.get(kind)
    return entry.label if entry else kind


def attachments_builder(kind):
    """The function building a kind's attachments, or None."""
    entry = KINDS.get(kind)
    if entry is None or entry.attachments is None:
        return None
    from django.utils.module_loading import import_string

    return import_string(entry.attachments)


def unsubscribe_scope(kind):
    entry = KINDS.get(kind)
    return entry.unsubscribe if entry else None

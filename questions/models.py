"""Questions of a commune's team to a candidate, and the candidate's answers.

A question hangs off one targeted commune of an application (an
``ApplicationTarget``): only that commune's team and the applicant
organisation's members ever see it. Answers and their files live here, never
in the application: answering changes nothing of what was submitted.

The audit trail keeps who asked or answered and when (django-simple-history),
never the text: the text stays with the team and the organisation, and is gone
with them when the application is anonymised.
"""

import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

QUESTION_MAX_LENGTH = 4000
ANSWER_MAX_LENGTH = 10000


class Question(models.Model):
    target = models.ForeignKey(
        "applications.ApplicationTarget",
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("candidature et commune"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posée par"),
    )
    body = models.TextField(_("question"), max_length=QUESTION_MAX_LENGTH)
    created_at = models.DateTimeField(_("posée le"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["body"])

    class Meta:
        verbose_name = _("question au candidat")
        verbose_name_plural = _("questions aux candidats")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["target", "created_at"], name="question_target_idx")]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="question_not_empty")]

    def __str__(self):
        return f"{self.target_id} – {self.created_at:%Y-%m-%d %H:%M}"


class Answer(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    body = models.TextField(_("réponse"), max_length=ANSWER_MAX_LENGTH)
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["body"])

    class Meta:
        verbose_name = _("réponse du candidat")
        verbose_name_plural = _("réponses des candidats")
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="answer_not_empty")]

    def __str__(self):
        return f"{self.question_id} – {self.created_at:%Y-%m-%d %H:%M}"


def answer_upload_to(instance, filename):
    """A random stored name: nothing the candidate typed but the checked extension."""
    ext = os.path.splitext(filename)[1].lower()
    ext = ext if ext in {".pdf", ".png", ".jpg", ".docx", ".xlsx"} else ""
    return f"questions/{instance.answer.question_id}/{uuid.uuid4().hex}{ext}"


class AnswerAttachment(models.Model):
    """A file joined to an answer: private, served only through a permission-checking view."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=answer_upload_to, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe d'une réponse")
        verbose_name_plural = _("pièces jointes des réponses")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

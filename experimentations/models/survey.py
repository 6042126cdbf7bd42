"""The satisfaction survey of an edition's expérimentateurs, answered through personal links."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Organisation
from calls.models import Edition
from communes.models import Commune
from experimentations.models.pilot import Continuation


def new_survey_token():
    return secrets.token_urlsafe(32)


class Survey(models.Model):
    """One satisfaction survey per edition, run by metropolis admins."""

    edition = models.OneToOneField(
        Edition, on_delete=models.PROTECT, related_name="survey", verbose_name=_("édition")
    )
    title = models.CharField(_("titre"), max_length=200)
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    include_commune_teams = models.BooleanField(
        _("interroger aussi les équipes des communes"), default=False
    )
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("enquête de satisfaction")
        verbose_name_plural = _("enquêtes de satisfaction")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="survey_closes_after_opening"
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("La clôture doit suivre l'ouverture.")})

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None):
        return (now or timezone.now()) >= self.closes_at


class SurveyRecipient(models.Model):
    """Who is asked: an organisation that ran a pilot, or a commune's team. Holds the link."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="recipients")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, null=True, blank=True, related_name="survey_invitations"
    )
    token = models.CharField(max_length=64, unique=True, editable=False, default=new_survey_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("destinataire de l'enquête")
        verbose_name_plural = _("destinataires de l'enquête")
        ordering = ["survey", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, commune__isnull=True)
                | Q(organisation__isnull=True, commune__isnull=False),
                name="recipient_is_organisation_or_commune",
            ),
            models.UniqueConstraint(
                fields=["survey", "organisation"], name="one_link_per_organisation"
            ),
            models.UniqueConstraint(fields=["survey", "commune"], name="one_link_per_commune"),
        ]

    def __str__(self):
        return str(self.organisation or self.commune)


class SurveyAnswer(models.Model):
    """One answer per recipient (organisation or commune team), editable until the close."""

    recipient = models.OneToOneField(
        SurveyRecipient, on_delete=models.CASCADE, related_name="answer"
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("dans l'ensemble, êtes-vous satisfait du programme ?"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("De 1 (pas du tout satisfait) à 5 (très satisfait)."),
    )
    recommendation = models.PositiveSmallIntegerField(
        _("recommanderiez-vous le programme à une autre entreprise ?"),
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text=_("De 0 (certainement pas) à 10 (certainement)."),
    )
    continued = models.CharField(
        _("la commune a-t-elle poursuivi avec vous ?"),
        max_length=12,
        choices=Continuation.choices,
    )
    what_worked = models.TextField(_("ce qui a bien fonctionné"), blank=True)
    what_to_change = models.TextField(_("ce qu'il faudrait changer"), blank=True)
    comment = models.TextField(_("commentaire libre"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réponse à l'enquête")
        verbose_name_plural = _("réponses à l'enquête")
        ordering = ["recipient__survey", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5),
                name="satisfaction_from_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(recommendation__gte=0, recommendation__lte=10),
                name="recommendation_from_0_to_10",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} : {self.satisfaction}/5"

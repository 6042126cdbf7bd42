"""Shortlist, audition slots and bookings, jury sessions and their opinions.

Everything hangs off one commune's side of an application (``ApplicationTarget``)
or off the commune's participation in a call, so a commune's team only ever
reaches its own rows.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.models import ApplicationTarget
from calls.models import Participation


class ShortlistEntry(models.Model):
    """An application shortlisted by a commune for an audition (one per target)."""

    target = models.OneToOneField(
        ApplicationTarget, on_delete=models.CASCADE, related_name="shortlist_entry"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    # Set when the company is invited to book a slot (it sees nothing before).
    invited_at = models.DateTimeField(_("invitée le"), null=True, blank=True)
    declined_at = models.DateTimeField(_("déclinée le"), null=True, blank=True)
    decline_reason = models.TextField(_("motif"), blank=True)

    class Meta:
        verbose_name = _("candidature présélectionnée")
        verbose_name_plural = _("candidatures présélectionnées")
        ordering = ["target__application__reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(declined_at__isnull=True) | Q(invited_at__isnull=False),
                name="declined_only_once_invited",
            )
        ]

    def __str__(self):
        return str(self.target)


class AuditionSlot(models.Model):
    """A time at which the commune's team hears one company."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="audition_slots"
    )
    starts_at = models.DateTimeField(_("début"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("durée (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    video_url = models.URLField(_("lien de visioconférence"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("créneau d'audition")
        verbose_name_plural = _("créneaux d'audition")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_url=""), name="slot_has_place_or_link"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=480),
                name="slot_duration_5_to_480_minutes",
            ),
        ]

    def __str__(self):
        return f"{self.participation.commune} – {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    def clean(self):
        super().clean()
        if not self.place.strip() and not self.video_url.strip():
            raise ValidationError(
                {"place": _("Indiquez un lieu ou un lien de visioconférence (ou les deux).")}
            )


class Booking(models.Model):
    """A shortlisted company's audition slot.

    One-to-one on both sides: the database never holds two companies in one
    slot, nor two slots for one company.
    """

    slot = models.OneToOneField(AuditionSlot, on_delete=models.PROTECT, related_name="booking")
    entry = models.OneToOneField(ShortlistEntry, on_delete=models.CASCADE, related_name="booking")
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    booked_at = models.DateTimeField(_("réservé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("réservation d'audition")
        verbose_name_plural = _("réservations d'audition")

    def __str__(self):
        return f"{self.entry} @ {self.slot}"


class JurySession(models.Model):
    """The commune's jury for a call: when it sat and who sat."""

    participation = models.OneToOneField(
        Participation, on_delete=models.CASCADE, related_name="jury_session"
    )
    held_on = models.DateField(_("date du jury"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="jury_sessions", verbose_name=_("membres présents")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session du jury")
        verbose_name_plural = _("sessions du jury")

    def __str__(self):
        return f"{self.participation} – {self.held_on}"


class JuryOpinion(models.Model):
    """The jury's opinion on one heard application, and its place in the jury's ranking."""

    class Opinion(models.TextChoices):
        FAVOURABLE = "favourable", _("favorable")
        RESERVED = "reserved", _("réservé")
        UNFAVOURABLE = "unfavourable", _("défavorable")

    session = models.ForeignKey(JurySession, on_delete=models.CASCADE, related_name="opinions")
    target = models.OneToOneField(
        ApplicationTarget, on_delete=models.CASCADE, related_name="jury_opinion"
    )
    opinion = models.CharField(_("avis du jury"), max_length=16, choices=Opinion.choices)
    comment = models.TextField(_("commentaire du jury"), blank=True)
    rank = models.PositiveSmallIntegerField(_("rang proposé"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Audit log: every opinion given and changed, with who and when.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("avis du jury")
        verbose_name_plural = _("avis du jury")
        ordering = [models.F("rank").asc(nulls_last=True), "target__application__reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "rank"],
                condition=Q(rank__isnull=False),
                name="one_application_per_jury_rank",
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1), name="jury_rank_from_1"
            ),
        ]

    def __str__(self):
        return f"{self.target}: {self.get_opinion_display()}"

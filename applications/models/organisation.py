import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from accounts.models import Invitation
from applications.validators import validate_phone, validate_siret


class Organisation(models.Model):
    class Kind(models.TextChoices):
        STARTUP = "startup", _("start-up")
        SME = "sme", _("PME")
        LARGE = "large", _("grande entreprise")
        ASSOCIATION = "association", _("association")
        COOPERATIVE = "cooperative", _("coopérative")
        SCHOOL = "school", _("école ou université")
        INDIVIDUAL = "individual", _("personne physique")

    class Size(models.TextChoices):
        MICRO = "1-9", _("1 à 9 personnes")
        SMALL = "10-49", _("10 à 49 personnes")
        MEDIUM = "50-249", _("50 à 249 personnes")
        LARGE = "250+", _("250 personnes et plus")

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type de structure"), max_length=16, choices=Kind.choices)
    country = CountryField(_("pays"), default="FR")
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 chiffres, obligatoire pour une personne morale française."),
    )
    website = models.URLField(_("site web"), blank=True)
    address = models.TextField(_("adresse"), blank=True)
    size = models.CharField(_("effectif"), max_length=8, choices=Size.choices, blank=True)
    contact_name = models.CharField(_("personne à contacter"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    # E.164 ("+33123456789"): forms accept it as people type it.
    contact_phone = models.CharField(
        _("téléphone"), max_length=30, blank=True, validators=[validate_phone]
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="OrganisationMembership", related_name="organisations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="unique_siret_when_set"
            )
        ]
        # The dashboard's sort by organisation walks this index to the page's rows
        # instead of sorting every row of the commune.
        indexes = [models.Index(fields=["name"], name="organisation_name_idx")]

    def __str__(self):
        return self.name

    @property
    def contact_phone_display(self):
        """The phone number as read aloud: national format in France, international elsewhere."""
        if not self.contact_phone:
            return ""
        try:
            number = phonenumbers.parse(self.contact_phone, "FR")
        except phonenumbers.NumberParseException:
            return self.contact_phone
        style = (
            phonenumbers.PhoneNumberFormat.NATIONAL
            if number.country_code == 33
            else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        return phonenumbers.format_number(number, style)

    @property
    def needs_siret(self):
        return self.country == "FR" and self.kind != self.Kind.INDIVIDUAL

    def clean(self):
        super().clean()
        self.siret = "".join((self.siret or "").split())
        if self.needs_siret and not self.siret:
            raise ValidationError(
                {"siret": _("Le SIRET est obligatoire pour une personne morale française.")}
            )


class OrganisationMembership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("propriétaire")
        MEMBER = "member", _("membre")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    role = models.CharField(_("rôle"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    # Joins, removals, departures and ownership transfers, with who did them.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membre d'une organisation")
        verbose_name_plural = _("membres d'organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_membership_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class OrganisationInvitation(Invitation):
    """An invitation by e-mail to join an organisation, accepted through a secret link."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(
        _("rôle"),
        max_length=8,
        choices=OrganisationMembership.Role.choices,
        default=OrganisationMembership.Role.MEMBER,
    )

    class Meta(Invitation.Meta):
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.organisation}"

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation

insee_code_validator = RegexValidator(
    r"^(\d{5}|2[AB]\d{3})$", _("Un code INSEE compte 5 caractères (ex. 95018).")
)


class Commune(models.Model):
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120, unique=True)
    insee_code = models.CharField(
        _("code INSEE"), max_length=5, unique=True, validators=[insee_code_validator]
    )
    department = models.CharField(_("département"), max_length=80)
    description = models.TextField(_("présentation"), blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("calls:commune_detail", kwargs={"slug": self.slug})


class TeamMembership(models.Model):
    """A person in a commune's team: reviewer, or manager (reviewer + decisions)."""

    class Role(models.TextChoices):
        REVIEWER = "reviewer", _("évaluateur")
        MANAGER = "manager", _("responsable")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="team")
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices, default=Role.REVIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre d'équipe communale")
        verbose_name_plural = _("membres d'équipes communales")
        constraints = [
            models.UniqueConstraint(fields=["user", "commune"], name="one_membership_per_commune")
        ]

    def __str__(self):
        return f"{self.user} – {self.commune} ({self.get_role_display()})"


class TeamInvitation(Invitation):
    """An invitation by e-mail to join a commune's team; the account is created on acceptance."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(
        _("rôle"),
        max_length=16,
        choices=TeamMembership.Role.choices,
        default=TeamMembership.Role.REVIEWER,
    )

    class Meta(Invitation.Meta):
        verbose_name = _("invitation dans une équipe communale")
        verbose_name_plural = _("invitations dans les équipes communales")

    def __str__(self):
        return f"{self.email} → {self.commune} ({self.get_role_display()})"

    def get_absolute_url(self):
        return reverse("communes:invitation_accept", kwargs={"token": self.token})

"""Forms of the shortlist, slots, bookings and jury (they validate; services write)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from auditions.models import AuditionSlot, JuryOpinion
from qmi.forms import ModelChoiceField, ModelMultipleChoiceField


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Début (heure de Paris)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=5, max_value=480, initial=30
    )
    place = forms.CharField(label=_("Lieu"), max_length=255, required=False)
    video_url = forms.URLField(
        label=_("Lien de visioconférence"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Un lieu, un lien, ou les deux."),
    )

    def clean(self):
        cleaned = super().clean()
        missing = not (cleaned.get("place") or "").strip() and not cleaned.get("video_url")
        if missing and "video_url" not in self.errors:
            self.add_error(
                "place", _("Indiquez un lieu ou un lien de visioconférence (ou les deux).")
            )
        return cleaned


class BookingForm(forms.Form):
    slot = ModelChoiceField(
        label=_("Créneau"),
        queryset=AuditionSlot.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choisissez un créneau."),
            "invalid_choice": _(
                "Ce créneau n'est plus libre : choisissez-en un autre dans la liste."
            ),
        },
    )

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        self.fields["slot"].label_from_instance = self.slot_label

    @staticmethod
    def slot_label(slot):
        from qmi.dates import paris_datetime

        where = slot.place or _("visioconférence")
        return _("%(when)s, %(minutes)d minutes – %(where)s") % {
            "when": paris_datetime(slot.starts_at),
            "minutes": slot.duration_minutes,
            "where": where,
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class JurySessionForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date du jury"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    members = ModelMultipleChoiceField(
        label=_("Membres présents"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un membre présent.")},
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = team
        self.fields["members"].label_from_instance = lambda user: user.display_name


class OpinionForm(forms.Form):
    """One heard application's row of the jury's table (prefixed by the target's id)."""

    opinion = forms.ChoiceField(
        label=_("Avis du jury"),
        required=False,
        choices=[("", _("— pas d'avis —")), *JuryOpinion.Opinion.choices],
    )
    comment = forms.CharField(
        label=_("Commentaire du jury"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    rank = forms.IntegerField(label=_("Rang proposé"), required=False, min_value=1, max_value=999)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("opinion") and (cleaned.get("rank") or cleaned.get("comment")):
            self.add_error(
                "opinion", _("Choisissez l'avis du jury avant un rang ou un commentaire.")
            )
        return cleaned
